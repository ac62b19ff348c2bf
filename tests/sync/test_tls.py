"""TLS: the server serves a certificate from a throwaway CA, and a laptop trusts
only the CA it was enrolled with."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.services.record import people
from app.workspace import create
from sync.client.enrol import enrol
from sync.server import directory
from sync.transport import ServerUnreachableError
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE
from tests.sync.conftest import TEAM, reopen, start_server
from tests.sync.helpers import sync


def _ca(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _server_cert(
    folder: Path, ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate
) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_a_laptop_trusts_only_its_enrolled_ca(tmp_path: Path) -> None:
    ca_key, ca = _ca("Dales Community Health test CA")
    _, other_ca = _ca("Someone else's CA")
    cert, key = _server_cert(tmp_path, ca_key, ca)
    server = start_server(f"sqlite:///{tmp_path / 'server.db'}", cert=cert, key=key)
    try:
        assert server.url.startswith("https://")
        directory.add_team(server.store, TEAM)
        directory.add_user(server.store, "Sam Taylor", "community_nurse", TEAM)
        ca_pem = ca.public_bytes(serialization.Encoding.PEM).decode()
        wrong_pem = other_ca.public_bytes(serialization.Encoding.PEM).decode()

        stranger = create(tmp_path / "stranger", PASSPHRASE, kdf=FAST_KDF)
        with pytest.raises(ServerUnreachableError):
            enrol(stranger, server.url, server.code_for("Sam Taylor"), ca_pem=wrong_pem)
        stranger.close()

        ws = create(tmp_path / "laptop", PASSPHRASE, kdf=FAST_KDF)
        enrol(ws, server.url, server.code_for("Sam Taylor"), ca_pem=ca_pem)
        ws = reopen(ws)
        sync(ws)
        people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        assert sync(ws).pushed >= 2
        ws.close()
    finally:
        server.stop()
        server.store.close()
