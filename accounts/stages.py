"""Login stages of our own, listed by `AccountAdapter.get_login_stages`."""

from allauth.account import stages

from accounts import selectors, services


class EmailVerificationStage(stages.EmailVerificationStage):
    """allauth's e-mail verification, except for staff: the administrator who made a staff account vouches for its
    address, so staff are never sent to «confirm your e-mail» (nor sent another confirmation on every try)."""

    def handle(self):
        user = self.login.user
        if user is not None and selectors.user_is_staff(user=user):
            services.staff_email_vouch(user=user)
            return None, True
        return super().handle()
