"""API tokens made from the profile page: only after the password, and the two-factor code
where the account has one, is asked again, so that a stolen session cannot mint a
credential that outlives it."""
from . import services, twofactor
from .models import ApiToken


def create_confirmed_token(user, name: str, current_password: str, code: str | None = None,
                           address: str = "") -> tuple[ApiToken, str]:
    """services.create_token() after twofactor.reauthenticate_with_code() (wrong codes are
    counted for this account and client `address`); raises Invalid (on current_password or
    code) or TooManyAttempts and creates nothing when refused. The CLI's `reachback users
    token` asks neither: its operator holds the database already."""
    twofactor.reauthenticate_with_code(user, current_password, code, "create_token", address)
    return services.create_token(user, name)
