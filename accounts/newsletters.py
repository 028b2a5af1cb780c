"""Newsletters: who receives them, sending in batches, and the one-click unsubscribe."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Newsletter, NewsletterDelivery, User
from portal.services import audit_log, email_enqueue, text_render, text_tidy

BATCH_SIZE = 200
_UNSUBSCRIBE_SALT = "accounts.newsletter.unsubscribe"


class NewsletterAlreadySent(Exception):
    pass


class NewsletterRecipientsChanged(Exception):
    """The number of recipients is not the one the sender confirmed: show the new number and ask again."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def newsletter_recipients(*, newsletter: Newsletter) -> QuerySet[User]:
    """Opted-in users with a confirmed address and an interest the newsletter is for, not yet sent to."""
    confirmed = EmailAddress.objects.filter(verified=True, primary=True).values("user_id")
    return (
        User.objects.filter(
            is_active=True,
            newsletter_opt_in=True,
            interests__in=newsletter.interests.all(),
            pk__in=confirmed,
        )
        .exclude(newsletter_deliveries__newsletter=newsletter)
        .distinct()
        .order_by("pk")
    )


def newsletter_send(*, newsletter: Newsletter, actor: User, confirmed_count: int | None = None) -> None:
    """Start sending: draft → sending (compare-and-swap, so a double click sends once).

    `confirmed_count` is the number of recipients the sender saw and confirmed; if it no longer matches,
    NewsletterRecipientsChanged (with the new number) is raised and nothing is sent.
    """
    if confirmed_count is not None:
        count = newsletter_recipients(newsletter=newsletter).count()
        if count != confirmed_count:
            raise NewsletterRecipientsChanged(count)
    with transaction.atomic():
        started = Newsletter.objects.filter(pk=newsletter.pk, status=Newsletter.Status.DRAFT).update(
            status=Newsletter.Status.SENDING
        )
        if not started:
            raise NewsletterAlreadySent
        audit_log(
            action="accounts.newsletter.sent", target=newsletter, actor=actor, municipality=newsletter.municipality
        )
        from accounts.tasks import newsletter_send_batch

        transaction.on_commit(lambda: newsletter_send_batch.delay(newsletter.pk))


def newsletter_send_batch_now(*, newsletter_id: int, batch_size: int = BATCH_SIZE) -> bool:
    """Queue e-mails for the next batch of recipients; True while more remain."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter_id)
        if newsletter.status != Newsletter.Status.SENDING:
            return False
        batch = list(newsletter_recipients(newsletter=newsletter)[:batch_size])
        NewsletterDelivery.objects.bulk_create([NewsletterDelivery(newsletter=newsletter, user=user) for user in batch])
        for user in batch:
            _newsletter_email(newsletter=newsletter, user=user)
        if len(batch) < batch_size:
            newsletter.status = Newsletter.Status.SENT
            newsletter.sent_at = timezone.now()
            newsletter.save(update_fields=["status", "sent_at"])
            return False
        return True


def _newsletter_context(*, newsletter: Newsletter, user: User, language: str) -> dict:
    english = language == User.Language.ENGLISH
    return {
        "user": user,
        "newsletter": newsletter,
        "subject": (english and newsletter.subject_en) or newsletter.subject_el,
        "body": (english and newsletter.body_en) or newsletter.body_el,
        "unsubscribe_url": settings.SITE_URL + unsubscribe_path(user=user, language=language),
    }


def _newsletter_email(*, newsletter: Newsletter, user: User, language: str | None = None, test: bool = False) -> None:
    language = language or user.language
    context = _newsletter_context(newsletter=newsletter, user=user, language=language)
    unsubscribe_url = context["unsubscribe_url"]
    email_enqueue(
        to=[user.email],
        template="accounts/email/newsletter",
        context={**context, "test": test},
        language=language,
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def newsletter_preview(*, newsletter: Newsletter, user: User, language: str) -> dict:
    """The e-mail as a reader in `language` would get it: {"language", "subject", "body"} (plain text)."""
    context = _newsletter_context(newsletter=newsletter, user=user, language=language)
    with translation.override(language):
        subject = " ".join(text_render("accounts/email/newsletter_subject.txt", context).split())
        body = text_tidy(text_render("accounts/email/newsletter.txt", context))
    return {"language": language, "subject": subject, "body": body}


def newsletter_send_test(*, newsletter: Newsletter, actor: User) -> list[str]:
    """Send the newsletter to its author alone, once in Greek and once in English if it has an English text;
    returns the languages sent. Nothing is recorded as delivered."""
    languages = ["el"] + (["en"] if newsletter.subject_en and newsletter.body_en else [])
    with transaction.atomic():
        for language in languages:
            _newsletter_email(newsletter=newsletter, user=actor, language=language, test=True)
        audit_log(
            action="accounts.newsletter.test_sent",
            target=newsletter,
            actor=actor,
            municipality=newsletter.municipality,
            data={"to": actor.email, "languages": languages},
        )
    return languages


def unsubscribe_token(*, user: User) -> str:
    return signing.dumps(user.pk, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_path(*, user: User, language: str) -> str:
    with translation.override(language):
        return reverse("accounts:newsletter_unsubscribe", kwargs={"token": unsubscribe_token(user=user)})


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        user_id = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id).first()


def newsletter_unsubscribe(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(newsletter_opt_in=False)
    audit_log(action="accounts.newsletter.unsubscribed", target=user, actor=user, municipality=user.municipality)
