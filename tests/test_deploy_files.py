"""The deployment files describe the stack that tests/test_production.py serves: the same
gunicorn settings, the same nginx site, the same health check and backup script. (Docker
itself is not on the test machines; scripts/serve-production.sh starts the same services.)"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy/nginx/imis.conf.template"


def _template_variables() -> set[str]:
    return set(re.findall(r"\$\{(IMIS_\w+)\}", TEMPLATE.read_text()))


def test_every_nginx_variable_is_filled_by_the_one_renderer():
    """envsubst leaves a variable it is not told about as `${...}` (nginx then refuses the
    file, or worse, takes it literally): render.sh names every one, and both ways of
    serving (the script and compose's proxy) render through it."""
    needed = _template_variables()
    assert {"IMIS_UPSTREAM", "IMIS_TLS_CERT", "IMIS_MEDIA_ROOT"} <= needed
    renderer = (ROOT / "deploy/nginx/render.sh").read_text()
    listed = re.search(r"envsubst '([^']*)'", renderer).group(1)
    assert needed <= set(re.findall(r"\$\{(IMIS_\w+)\}", listed))
    for caller in ("scripts/serve-production.sh", "deploy/docker/proxy.sh"):
        text = (ROOT / caller).read_text()
        assert "deploy/nginx/render.sh" in text, caller
        assert "envsubst" not in text, caller  # no second copy of the list
        assert "openssl" not in text, caller  # nor of the certificate recipe


def test_compose_runs_the_tested_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "setup", "web", "worker", "proxy", "backup"}
    app = services["web"]
    assert app["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert app["command"] == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
    assert "/healthz" in " ".join(app["healthcheck"]["test"])
    assert services["proxy"]["command"] == ["sh", "deploy/docker/proxy.sh"]
    assert any(port.endswith(":443") for port in services["proxy"]["ports"])
    assert "scripts/backup.sh" in " ".join(services["backup"]["command"])
    assert services["worker"]["command"][2:4] == ["procrastinate", "worker"]
    for name in ("web", "worker", "proxy", "backup"):
        assert services[name]["logging"]["options"]["max-size"], name  # rotated
    assert services["setup"]["restart"] == "no"
    assert "render.sh" in (ROOT / "deploy/docker/proxy.sh").read_text()


def test_systemd_units_run_the_same_commands():
    web = (ROOT / "deploy/systemd/imis-web.service").read_text()
    assert "gunicorn -c config/gunicorn.py config.wsgi:application" in web
    assert "Restart=always" in web
    worker = (ROOT / "deploy/systemd/imis-worker.service").read_text()
    assert "procrastinate worker --queues layers,dashboards" in worker
    assert "scripts/backup.sh" in (ROOT / "deploy/systemd/imis-backup.service").read_text()
    assert "OnCalendar=" in (ROOT / "deploy/systemd/imis-backup.timer").read_text()


def test_images_and_setup_install_the_locked_packages():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes" in dockerfile
    assert "requirements/base.lock" in dockerfile
    assert "--require-hashes" in (ROOT / "scripts/bootstrap.sh").read_text()
    for lock in ("base.lock", "dev.lock"):
        text = (ROOT / "requirements" / lock).read_text()
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==", text, flags=re.MULTILINE)
        assert "django" in {pin.lower() for pin in pins}
        assert text.count("--hash=sha256:") >= len(pins)
