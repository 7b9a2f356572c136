"""Settings: one table of defaults (reachback/config.py), every value typed and checked at
start-up, whether it comes from instance/config.py or a REACHBACK_* variable."""
import pytest

from reachback import create_app
from reachback.config import SETTINGS, SettingError, setting
from tests.conftest import TEST_CONFIG


@pytest.fixture
def start(tmp_path, monkeypatch):
    """start(config_py=None, **environment) -> a new app, or the error that stopped it."""
    monkeypatch.setenv("REACHBACK_INSTANCE_PATH", str(tmp_path))

    def make(config_py=None, **environment):
        for name, value in environment.items():
            monkeypatch.setenv(f"REACHBACK_{name}", value)
        if config_py is not None:
            (tmp_path / "config.py").write_text(config_py)
        return create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})

    return make


def test_every_setting_reads_as_its_type_with_its_default(start):
    app = start()
    with app.app_context():
        for name, spec in SETTINGS.items():
            value = setting(name)
            if name not in TEST_CONFIG and name != "DATABASE_URL":
                assert value == spec.default, name
            assert value is None or isinstance(value, spec.type), name
    assert setting("SIGN_IN_THROTTLE_AFTER") == 5  # outside an app: the default


def test_environment_values_arrive_typed(start):
    app = start(SIGN_IN_THROTTLE_AFTER="3", MAIL_USE_TLS="yes", EXTRACT_TIMEOUT="2.5",
                SCHEDULER_IN_RUN="off", COMPRESS_ALGORITHM="br, gzip")
    assert setting("SIGN_IN_THROTTLE_AFTER", app) == 3
    assert setting("MAIL_USE_TLS", app) is True and setting("SCHEDULER_IN_RUN", app) is False
    assert setting("EXTRACT_TIMEOUT", app) == 2.5
    assert setting("COMPRESS_ALGORITHM", app) == ["br", "gzip"]


@pytest.mark.parametrize("environment,message", [
    ({"MAIL_PORT": "twenty-five"}, "MAIL_PORT must be a whole number, not 'twenty-five' "
                                   r"\(from the environment \(REACHBACK_MAIL_PORT\)\)"),
    ({"TOTP_REQUIRED_FOR_ALL": "perhaps"}, "TOTP_REQUIRED_FOR_ALL must be true or false"),
    ({"RATELIMIT_SIGN_IN": "often"}, "RATELIMIT_SIGN_IN must be limits such as"),
    ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND must be one of file, smtp"),
    ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE must name a time zone"),
])
def test_a_bad_value_in_the_environment_stops_the_start_saying_which(start, environment,
                                                                     message):
    with pytest.raises(SettingError, match=message):
        start(**environment)


def test_a_bad_value_in_the_instance_config_names_it(start):
    with pytest.raises(SettingError, match=r"PER_PAGE must be a whole number, not \[25\] "
                                           r"\(from instance/config.py\)"):
        start("PER_PAGE = [25]\n")
