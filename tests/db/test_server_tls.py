"""Connections to the server go over TLS and the server's certificate is checked
(issue 14 §2): a cluster of the test's own, started with ssl=on and only ``hostssl``
lines with a password (scripts/pg_cluster.sh with FINSAM_PG_TLS_DIR), a CA and a
server certificate made here. ``sslmode=verify-full`` with the right CA connects; with
another CA, and without TLS, the connection is refused. The same cluster checks that on a
server with account roles the password is the server's to check: a wrong one is refused.

Runs when FINSAM_TEST_PG_URL is set (PostgreSQL is installed), like the other server
tests."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from finsam_desktop.db import server_roles

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse 42"
SUPERUSER_PASSWORD = "cluster owner password 1"


def _certificate(subject: str, key, issuer=None, issuer_key=None, ca=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.write_bytes(data)
    path.chmod(mode)


@pytest.fixture(scope="module")
def tls_cluster():
    if not os.environ.get("FINSAM_TEST_PG_URL"):
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def pem(cert) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    top = Path(tempfile.mkdtemp(prefix="finsam-tls-"))
    top.chmod(0o711)  # the cluster may run as "nobody" (scripts/pg_cluster.sh)
    certs = top / "certs"
    certs.mkdir()
    ca_key, server_key, other_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("Finsam test CA", ca_key, ca=True)
    other_ca = _certificate("Another CA", other_key, ca=True)
    server = _certificate("localhost", server_key, issuer=ca, issuer_key=ca_key)
    _write(certs / "server.crt", pem(server))
    _write(
        certs / "server.key",
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        0o600,
    )
    _write(certs / "password", SUPERUSER_PASSWORD.encode() + b"\n", 0o600)
    _write(certs / "ca.crt", pem(ca))
    _write(certs / "other-ca.crt", pem(other_ca))
    started = subprocess.run(
        [str(ROOT / "scripts" / "pg_cluster.sh"), "start", str(top / "cluster")],
        capture_output=True,
        text=True,
        env={**os.environ, "FINSAM_PG_TLS_DIR": str(certs)},
        timeout=120,
    )
    if started.returncode != 0:
        shutil.rmtree(top, ignore_errors=True)
        pytest.fail(f"the TLS cluster did not start: {started.stderr[-2000:]}")
    port = started.stdout.strip().rsplit(":", 1)[1].split("/")[0]
    try:
        yield {"port": port, "certs": certs}
    finally:
        subprocess.run(
            [str(ROOT / "scripts" / "pg_cluster.sh"), "stop", str(top / "cluster")],
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(top, ignore_errors=True)


def conninfo(cluster, sslmode="verify-full", ca="ca.crt", database="postgres", user="finsam"):
    return (
        f"host=127.0.0.1 port={cluster['port']} dbname={database} user={user} "
        f"sslmode={sslmode} sslrootcert={cluster['certs'] / ca}"
    )


def test_verify_full_with_the_right_ca_connects_over_tls(tls_cluster):
    with psycopg.connect(conninfo(tls_cluster), password=SUPERUSER_PASSWORD) as connection:
        ssl, version = connection.execute(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone()
    assert ssl is True and version.startswith("TLS")


def test_a_server_certificate_from_another_ca_is_refused(tls_cluster):
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(conninfo(tls_cluster, ca="other-ca.crt"), password=SUPERUSER_PASSWORD)


def test_a_connection_without_tls_is_refused(tls_cluster):
    with pytest.raises(psycopg.OperationalError, match="no encryption|SSL off"):
        psycopg.connect(conninfo(tls_cluster, sslmode="disable"), password=SUPERUSER_PASSWORD)


def test_the_program_signs_in_over_verify_full_and_the_server_checks_the_password(
    tls_cluster, monkeypatch
):
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import signin

    monkeypatch.setenv("PGPASSWORD", SUPERUSER_PASSWORD)  # the owner's, for the set-up
    with psycopg.connect(
        conninfo(tls_cluster), password=SUPERUSER_PASSWORD, autocommit=True
    ) as connection:
        connection.execute("CREATE DATABASE finsam_tls")
    url = (
        f"postgresql://finsam@127.0.0.1:{tls_cluster['port']}/finsam_tls?sslmode=verify-full"
        f"&sslrootcert={tls_cluster['certs'] / 'ca.crt'}"
    )
    open_database(url).close()
    server_roles.setup(url)
    signin.first_start(url, "admin", "Anna Admin", PASSWORD, PASSWORD).db.close()
    # A workstation has no credentials of its own: only the account's password connects.
    monkeypatch.delenv("PGPASSWORD")
    assert signin.database_state(url) is signin.DatabaseState.SERVER
    with pytest.raises(signin.SignInRefused, match="Fel användarnamn eller lösenord"):
        signin.log_in(url, "admin", "wrong password 1")
    with pytest.raises(signin.SignInRefused, match="Fel användarnamn eller lösenord"):
        signin.log_in(url, "nobody", PASSWORD)
    # Another CA: the program says the server refused or could not be reached.
    other = url.replace("ca.crt", "other-ca.crt")
    with pytest.raises(signin.SignInRefused, match="kunde inte nås"):
        signin.log_in(other, "admin", PASSWORD)
    db, user = signin.log_in(url, "admin", PASSWORD)
    try:
        assert user.username == "admin" and db.login.role == "finsam_tls.admin"
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            ).scalar_one()
        # The lock screen asks the server too.
        from finsam_desktop.services import accounts

        with db.session() as session:
            assert not accounts.verify_for_unlock(session, "wrong password 1").ok
        with db.session() as session:
            assert accounts.verify_for_unlock(session, PASSWORD).ok
        # A new password of one's own: the server takes it, the old one opens nothing.
        with db.session() as session:
            accounts.change_own_password(session, PASSWORD, "a new horse 43", "a new horse 43")
        with db.reading() as session:  # this program reconnects with the new password
            assert accounts.lock_minutes(session) > 0
    finally:
        db.close()
    with pytest.raises(signin.SignInRefused):
        signin.log_in(url, "admin", PASSWORD)
    signin.log_in(url, "admin", "a new horse 43")[0].close()
