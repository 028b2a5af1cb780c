from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from accounts.taxisnet.client import TaxisnetProfile
from accounts.taxisnet.views import TaxisnetOAuth2Adapter


class TaxisnetAccount(ProviderAccount):
    def to_str(self) -> str:
        data = self.account.extra_data
        return f"{data.get('full_name') or super().to_str()} (ΑΦΜ {data.get('afm', '')})"


class TaxisnetProvider(OAuth2Provider):
    """GSIS's OAuth 2.0 server: the authorization-code grant, scope `read`, the ΑΦΜ as the account's id."""

    id = "taxisnet"
    name = "TAXISnet"
    account_class = TaxisnetAccount
    oauth2_adapter_class = TaxisnetOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return ["read"]

    def extract_uid(self, data: TaxisnetProfile) -> str:
        return data["afm"]

    def extract_common_fields(self, data: TaxisnetProfile) -> dict:
        return {"first_name": data["first_name"], "last_name": data["last_name"]}


provider_classes = [TaxisnetProvider]
