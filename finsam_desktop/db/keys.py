"""The database key and the only places it is kept: the recovery key and the key file.

Design (format 2)
-----------------
- The database file is encrypted by SQLCipher with a 256-bit key given raw
  (``PRAGMA key = "x'…'"``): SQLCipher derives nothing on open (< 1 ms per connection).
- **The key is derived from the recovery key** (HKDF-SHA256 of its 160 random bits
  with a fixed, versioned label, ``key_from_recovery_key``). The recovery key is
  printed when the database is created and at every change of key, and kept in a
  safe: with it and the database file alone the database opens, even when the key
  file is lost or damaged (``services.signin.rebuild_key_file``). Databases from
  before format 2 have a random key; theirs is wrapped under the recovery key in the
  key file as before and they move to a derived key at the next change of key.
- **Every account has an X25519 key pair.** Its private key is wrapped (AES-256-GCM)
  under a key derived from the account's password with **argon2id** (``KDF_PARAMS``:
  19 MiB, 2 passes, 1 lane, the OWASP Password Storage Cheat Sheet's setting, about
  40 ms; each wrap stores its own parameters, so a wrap made with older ones, such as
  64 MiB / 3 passes / 4 lanes before issue 13, still opens, and is wrapped again with
  the current ones at the account's next login); the database key is *sealed* to
  its public key (ephemeral X25519 + HKDF + AES-GCM). Sealing needs only public keys, so the administrator can change
  the database key (``PRAGMA rekey``) and give it to every remaining account without
  knowing anyone's password. A password change makes a new key pair.
- An account of the **statistics role** is sealed another key: that of the
  de-identified statistics extract (``statistics_key``, derived one-way from the
  database key), never the database key itself.
- All of this lives in a small unencrypted JSON file next to the database,
  ``<database>.keys``. It holds nothing readable about people: per account a peppered
  hash of the username (to find the entry), the numeric id, the role scope, the
  public key, the wrapped private key and the sealed key.
- Every change is an atomic read-modify-write under an exclusive lock
  (``db/safe_file.py``); the version replaced is kept as ``<database>.keys.previous``
  and used automatically when the main file is unreadable.
- **A failed login never writes the key file**: failure counters, waiting times and
  the failures still to be copied into the access log are kept in
  ``<database>.attempts`` (same locking), keyed by the peppered username hash, so
  unknown usernames wait too; the file keeps at most ``MAX_ATTEMPT_ENTRIES`` names.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from finsam_desktop.db import safe_file

# The file names and the plain-file test are in db/file_names.py (light, for what only
# looks at the files); named here too, where they have always been found.
from finsam_desktop.db.file_names import (  # noqa: F401
    SQLITE_MAGIC,
    attempts_path,
    is_plain_sqlite,
    sidecar_path,
)
from finsam_desktop.db.safe_file import FileDamaged

FORMAT = 2
KEY_BYTES = 32
RECOVERY = "recovery"
DATABASE_SCOPE = "database"
STATISTICS_SCOPE = "statistics"
# argon2id parameters: memory in KiB. Stored per wrap so they can be raised later.
# OWASP's Password Storage Cheat Sheet: argon2id with at least 19 MiB, 2 iterations,
# parallelism 1. One derivation per login (the account's private key), about 40 ms on
# a two-core office PC, where 64 MiB / 3 / 4 took 0.3-1.3 s.
KDF_PARAMS = {"t": 2, "m": 19456, "p": 1}
# Tests that start many processes may set this variable to "1" for a cheap KDF. The
# parameters are stored with each wrap, so a file written that way says so.
FAST_KDF_VARIABLE = "FINSAM_TEST_FAST_KDF"
FAST_KDF_PARAMS = {"t": 1, "m": 8192, "p": 1}
FREE_ATTEMPTS = 5  # failures allowed before the account has to wait
FIRST_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 15 * 60
MAX_ATTEMPT_ENTRIES = 300  # usernames remembered in the attempts file (oldest dropped)
MAX_PENDING_FAILURES = 1000  # failures waiting for the access log (oldest dropped)

RECOVERY_LABEL = b"finsam-desktop/database-key-from-recovery-key/v1"
STATISTICS_LABEL = b"finsam-desktop/statistics extract/v1"
SEAL_LABEL = b"finsam-desktop/sealed-key/v1"


class WrongSecret(Exception):
    """The password or recovery key does not unlock the database key."""


class AccountWaiting(Exception):
    """Too many failed attempts: the account may try again after ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


class KeyFileDamaged(Exception):
    """Neither the key file nor its previous version can be read."""


def kdf_params() -> dict:
    return dict(FAST_KDF_PARAMS if os.environ.get(FAST_KDF_VARIABLE) == "1" else KDF_PARAMS)


def new_database_key() -> bytes:
    import secrets

    return secrets.token_bytes(KEY_BYTES)


def sqlcipher_key(key: bytes) -> str:
    """The raw-key literal SQLCipher takes: no passphrase derivation on open."""
    return f"x'{key.hex()}'"


def key_id(key: bytes) -> str:
    """A short fingerprint of a database key (it reveals nothing of the key)."""
    import hashlib

    return hashlib.sha256(b"finsam-desktop/key-id/" + key).hexdigest()[:16]


def wait_seconds(failures: int) -> int:
    """How long an account waits after ``failures`` failed attempts in a row: nothing for
    the first five, then 30 s doubling with every further failure, at most 15 minutes."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** min(20, failures - FREE_ATTEMPTS))


# --- recovery key text and the keys derived from it ------------------------------------


def new_recovery_key() -> str:
    """160 random bits as 8 groups of 4 base32 letters: easy to read off paper and type."""
    import base64
    import secrets

    text = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> str:
    """What the user typed, forgiving case, spaces, dashes and the look-alikes 0/O, 1/I, 8/B."""
    letters = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    letters = letters.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


# argon2 and cryptography are imported where a key is derived, wrapped or sealed: a
# plain database (tests, the command line) and the login dialog's first paint need
# none of them (only the file checks and names of this module).


def _crypto():
    """(InvalidTag, AESGCM, X25519PrivateKey, X25519PublicKey), imported on first use."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return InvalidTag, AESGCM, X25519PrivateKey, X25519PublicKey


def _hkdf(material: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"finsam-desktop", info=info
    ).derive(material)


def key_from_recovery_key(text: str) -> bytes:
    """The database key a recovery key stands for (format 2 databases)."""
    import base64

    letters = normalise_recovery_key(text).replace("-", "")
    if len(letters) != 32:
        raise WrongSecret()
    try:
        raw = base64.b32decode(letters)
    except ValueError:
        raise WrongSecret() from None
    return _hkdf(raw, RECOVERY_LABEL)


def statistics_key(db_key: bytes) -> bytes:
    """The key of the de-identified statistics extract: derived one-way from the
    database key, so the extract's key never leads back to the database's."""
    return _hkdf(db_key, STATISTICS_LABEL)


# --- wrapping and sealing -------------------------------------------------------------------


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    import base64

    return base64.b64decode(text.encode("ascii"))


def _derive(secret: str, salt: bytes, params: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret.encode("utf-8", "surrogatepass"),
        salt,
        time_cost=params["t"],
        memory_cost=params["m"],
        parallelism=params["p"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _wrap(data: bytes, secret: str, label: str) -> dict:
    import secrets

    _invalid, AESGCM, _private, _public = _crypto()
    params = kdf_params()
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _derive(secret, salt, params)
    wrapped = AESGCM(kek).encrypt(nonce, data, label.encode("utf-8"))
    return {
        "kdf": "argon2id",
        **params,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def _wrap_params(entry: dict) -> dict:
    """The argon2id parameters a wrap was made with."""
    return {k: entry.get(k) for k in ("t", "m", "p")}


def _unwrap(entry: dict, secret: str, label: str) -> bytes:
    InvalidTag, AESGCM, _private, _public = _crypto()
    try:
        kek = _derive(secret, _unb64(entry["salt"]), entry)
        return AESGCM(kek).decrypt(
            _unb64(entry["nonce"]), _unb64(entry["wrapped"]), label.encode("utf-8")
        )
    except (InvalidTag, KeyError, ValueError, TypeError):
        raise WrongSecret() from None


def _seal_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return _hkdf(shared, SEAL_LABEL + ephemeral + recipient)


def seal(public: bytes, data: bytes, label: str) -> dict:
    """Encrypt ``data`` so that only the holder of ``public``'s private key can read it."""
    import secrets

    _invalid, AESGCM, X25519PrivateKey, X25519PublicKey = _crypto()
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    nonce = secrets.token_bytes(12)
    box = AESGCM(_seal_key(shared, ephemeral_public, public))
    return {
        "epk": _b64(ephemeral_public),
        "nonce": _b64(nonce),
        "box": _b64(box.encrypt(nonce, data, label.encode("utf-8"))),
    }


def unseal(private: bytes, sealed: dict, label: str) -> bytes:
    InvalidTag, AESGCM, X25519PrivateKey, X25519PublicKey = _crypto()
    try:
        me = X25519PrivateKey.from_private_bytes(private)
        ephemeral_public = _unb64(sealed["epk"])
        shared = me.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        box = AESGCM(_seal_key(shared, ephemeral_public, me.public_key().public_bytes_raw()))
        return box.decrypt(_unb64(sealed["nonce"]), _unb64(sealed["box"]), label.encode("utf-8"))
    except (InvalidTag, KeyError, ValueError, TypeError):
        raise WrongSecret() from None


# --- the key file's content -------------------------------------------------------------------


def _valid(data: dict) -> bool:
    try:
        _unb64(data["pepper"])
        if data.get("format") == 1:
            return isinstance(data["wraps"], dict)
        return (
            data.get("format") == FORMAT
            and isinstance(data["accounts"], dict)
            and isinstance(data["key_id"], str)
            and all(isinstance(e, dict) and "user_id" in e for e in data["accounts"].values())
        )
    except (KeyError, TypeError, ValueError):
        return False


def _upgraded(data: dict) -> dict:
    """A format-1 file (random key, one AES wrap of it per account) as format 2: the old
    wraps stay usable ("legacy") until the account's next login or the next re-key."""
    if data.get("format") == FORMAT:
        return data
    accounts = {}
    for lookup, wrap in data["wraps"].items():
        entry = {k: v for k, v in wrap.items() if k not in ("failures", "wait_until")}
        accounts[lookup] = {**entry, "legacy": True, "scope": DATABASE_SCOPE}
    upgraded = {
        "format": FORMAT,
        "pepper": data["pepper"],
        "accounts": accounts,
        "key_id": "",  # unknown until someone unlocks it
        "derived": False,
        "needs_new_recovery_key": False,
    }
    if RECOVERY in data:
        upgraded["legacy_recovery"] = data[RECOVERY]
    return upgraded


def read_key_file(path: Path) -> tuple[dict | None, bool]:
    """(content, from_previous): the key file, or its previous version when the file
    itself is missing or unreadable. (None, False) when there is neither;
    KeyFileDamaged when something is there but nothing usable."""
    path = Path(path)
    found_something = False
    for candidate, from_previous in ((path, False), (safe_file.previous_path(path), True)):
        try:
            data = safe_file.read_json(candidate)
        except FileNotFoundError:
            continue
        except FileDamaged:
            found_something = True
            continue
        found_something = True
        if _valid(data):
            return _upgraded(data), from_previous
    if found_something:
        raise KeyFileDamaged(str(path))
    return None, False


def key_file_state(db_path: Path | str) -> str:
    """ "missing", "ok" (perhaps from the previous version) or "damaged"."""
    try:
        data, _previous = read_key_file(sidecar_path(db_path))
    except KeyFileDamaged:
        return "damaged"
    return "missing" if data is None else "ok"


@dataclass
class Unlocked:
    """What a password opened: the account, its scope and its keys."""

    user_id: int
    scope: str
    keys: list[bytes]  # the current key first; during a change of key also the old one
    private: bytes | None  # the account's X25519 private key (None: a format-1 wrap)
    lookup: str

    @property
    def legacy(self) -> bool:
        return self.private is None


@dataclass
class PendingFailure:
    """A failed login recorded before the database could be opened."""

    user_id: int | None
    at: float  # epoch seconds


def new_account_entry(
    lookup: str, user_id: int, password: str, key: bytes, scope: str = DATABASE_SCOPE
) -> dict:
    """A fresh key pair for the account, its private key wrapped under the password
    and ``key`` (the database key, or for statistics the extract's key) sealed to it."""
    _invalid, _aes, X25519PrivateKey, _public = _crypto()
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    return {
        "user_id": user_id,
        "scope": scope,
        "public": _b64(public),
        "private": _wrap(private.private_bytes_raw(), password, lookup),
        "sealed": seal(public, key, lookup),
    }


def _scope_key(db_key: bytes, scope: str) -> bytes:
    return statistics_key(db_key) if scope == STATISTICS_SCOPE else db_key


class KeyFile:
    """The key file of one database. Every change reads the file anew under the lock."""

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        self.path = sidecar_path(db_path)
        self.data: dict | None = None
        self.from_previous = False
        self.reload()

    def reload(self) -> None:
        """Read the file again: another copy of the program (on another PC, on a shared
        folder) may have changed it since. Raises KeyFileDamaged."""
        self.data, self.from_previous = read_key_file(self.path)

    @property
    def exists(self) -> bool:
        return self.data is not None

    @property
    def pepper(self) -> bytes:
        return _unb64(self._content()["pepper"])

    def _content(self) -> dict:
        if self.data is None:
            raise KeyFileDamaged(str(self.path))
        return self.data

    def lookup(self, username: str) -> str:
        return lookup_hash(self.pepper, username)

    def _update(self, change) -> dict:
        def read(path: Path) -> dict | None:
            data, _previous = read_key_file(path)
            return data

        def apply(current: dict | None) -> dict | None:
            if current is None:
                raise KeyFileDamaged(str(self.path))
            return change(current)

        self.data = safe_file.update_json(self.path, apply, keep_previous=True, read=read)
        self.from_previous = False
        return self.data

    # --- creating -----------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        db_path: Path | str,
        db_key: bytes,
        *,
        derived: bool = True,
        needs_new_recovery_key: bool = True,
        accounts_for=None,
    ) -> KeyFile:
        """A new key file for a database with ``db_key``, in one atomic write.
        ``accounts_for(pepper)`` gives its first accounts (``new_account_entry``).
        Replaces what is there (the caller has decided it belongs to no database)."""
        import secrets

        pepper = secrets.token_bytes(16)
        content = {
            "format": FORMAT,
            "pepper": _b64(pepper),
            "accounts": accounts_for(pepper) if accounts_for else {},
            "key_id": key_id(db_key),
            "derived": derived,
            "needs_new_recovery_key": needs_new_recovery_key,
        }
        path = sidecar_path(db_path)
        safe_file.previous_path(path).unlink(missing_ok=True)
        safe_file.update_json(path, lambda _current: content, read=lambda _path: None)
        return cls(db_path)

    # --- accounts -----------------------------------------------------------------------

    def has_account(self, username: str) -> bool:
        return self.lookup(username) in self._content()["accounts"]

    def user_ids(self) -> set[int]:
        return {
            e["user_id"]
            for e in self._content()["accounts"].values()
            if e.get("user_id") is not None
        }

    def scope_of(self, user_id: int) -> str | None:
        for entry in self._content()["accounts"].values():
            if entry.get("user_id") == user_id:
                return entry.get("scope", DATABASE_SCOPE)
        return None

    def set_password(
        self,
        db_key: bytes,
        user_id: int,
        username: str,
        password: str,
        scope: str = DATABASE_SCOPE,
        scoped: bool = False,
    ) -> None:
        """A new key pair for this account under this password (new account, changed or
        reset password), sealed the key its scope allows. ``scoped``: ``db_key`` is
        already that key (a statistics account knows only the extract's key)."""
        self.reload()
        pepper = self.pepper
        lookup = lookup_hash(pepper, username)
        sealed_key = db_key if scoped else _scope_key(db_key, scope)
        entry = new_account_entry(lookup, user_id, password, sealed_key, scope)

        def change(data: dict) -> dict:
            if not scoped and data["key_id"] and data["key_id"] != key_id(db_key):
                raise KeyChanged()
            fresh = entry
            if _unb64(data["pepper"]) != pepper:  # the file was rebuilt meanwhile
                fresh_lookup = lookup_hash(_unb64(data["pepper"]), username)
                fresh = new_account_entry(fresh_lookup, user_id, password, sealed_key, scope)
            else:
                fresh_lookup = lookup
            accounts = {k: e for k, e in data["accounts"].items() if e.get("user_id") != user_id}
            accounts[fresh_lookup] = fresh
            data["accounts"] = accounts
            if not data["key_id"] and not scoped:
                data["key_id"] = key_id(db_key)
            return data

        self._update(change)

    def set_scope(self, db_key: bytes, user_id: int, scope: str) -> None:
        """A changed role: seal the key the new scope allows to the account's public
        key (no password needed). Nothing to do for an account without a key pair."""

        def change(data: dict) -> dict | None:
            changed = False
            for lookup, entry in data["accounts"].items():
                if entry.get("user_id") != user_id or "public" not in entry:
                    continue
                entry["scope"] = scope
                entry["sealed"] = seal(_unb64(entry["public"]), _scope_key(db_key, scope), lookup)
                entry.pop("sealed_old", None)
                changed = True
            return data if changed else None

        self._update(change)

    def remove_user(self, user_id: int) -> None:
        def change(data: dict) -> dict | None:
            accounts = data["accounts"]
            if not any(e.get("user_id") == user_id for e in accounts.values()):
                return None
            data["accounts"] = {k: e for k, e in accounts.items() if e.get("user_id") != user_id}
            return data

        self._update(change)

    def unlock(self, username: str, password: str, now: float | None = None) -> Unlocked:
        """The account's keys; failures are counted in the attempts file, never here."""
        now = time.time() if now is None else now
        self.reload()
        data = self._content()
        lookup = self.lookup(username)
        attempts = Attempts(self.db_path)
        waiting = attempts.waiting(lookup, now)
        if waiting:
            raise AccountWaiting(waiting)
        entry = data["accounts"].get(lookup)
        try:
            if entry is None:
                # Same work as a real attempt, so timing does not tell which usernames exist.
                _derive(password, b"\0" * 16, kdf_params())
                raise WrongSecret()
            try:
                unlocked = self._open_entry(entry, lookup, password)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise WrongSecret() from None  # an entry edited by hand: it opens nothing
        except WrongSecret:
            attempts.failed(lookup, entry.get("user_id") if entry else None, now)
            raise
        attempts.succeeded(lookup)
        if not unlocked.legacy and _wrap_params(entry["private"]) != kdf_params():
            self._rewrap_private(lookup, entry["public"], unlocked.private, password)
        return unlocked

    def _rewrap_private(self, lookup: str, public: str, private: bytes, password: str) -> None:
        """The account's private key wrapped again under its password with the current
        argon2id parameters (a wrap from a version with other ones). The key pair and
        what is sealed to it stay as they are. Only a login that succeeded gets here;
        a key file that cannot be written now is wrapped again at a later login."""
        fresh = _wrap(private, password, lookup)

        def change(data: dict) -> dict | None:
            entry = data["accounts"].get(lookup)
            if not isinstance(entry, dict) or entry.get("public") != public:
                return None  # another password or key pair meanwhile: leave it
            if _wrap_params(entry.get("private", {})) == _wrap_params(fresh):
                return None
            entry["private"] = fresh
            return data

        with contextlib.suppress(OSError, KeyFileDamaged):
            self._update(change)

    def probe(self, username: str, password: str) -> Unlocked | None:
        """The account's keys if ``password`` is its password, else None, counting
        nothing and writing nothing (the demo check looks at files it may not change)."""
        try:
            lookup = self.lookup(username)
            entry = self._content()["accounts"].get(lookup)
            return None if entry is None else self._open_entry(entry, lookup, password)
        except Exception:  # noqa: BLE001 (a damaged file or a wrong password: no keys)
            return None

    @staticmethod
    def _open_entry(entry: dict, lookup: str, password: str) -> Unlocked:
        if entry.get("legacy"):
            key = _unwrap(entry, password, lookup)
            return Unlocked(entry["user_id"], DATABASE_SCOPE, [key], None, lookup)
        private = _unwrap(entry["private"], password, lookup)
        return Unlocked(
            entry["user_id"],
            entry.get("scope", DATABASE_SCOPE),
            _sealed_keys(entry, private, lookup),
            private,
            lookup,
        )

    def keys_for(self, private: bytes, user_id: int) -> list[bytes]:
        """After a change of key: the keys sealed to this account now (another copy of
        the program re-keyed the database). WrongSecret when the account is gone."""
        self.reload()
        X25519PrivateKey = _crypto()[2]
        public = X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()
        for lookup, entry in self._content()["accounts"].items():
            if entry.get("user_id") == user_id and entry.get("public") == _b64(public):
                return _sealed_keys(entry, private, lookup)
        raise WrongSecret()

    # --- the database key and its changes ----------------------------------------------------

    @property
    def key_id(self) -> str:
        return self._content()["key_id"]

    @property
    def derived(self) -> bool:
        return bool(self._content().get("derived"))

    @property
    def needs_new_recovery_key(self) -> bool:
        data = self._content()
        return bool(data.get("needs_new_recovery_key") or not data.get("derived"))

    @property
    def rekey_pending(self) -> bool:
        return bool(self._content().get("rekey_from"))

    def begin_rekey(self, old_key: bytes, new_key: bytes) -> list[int]:
        """Seal ``new_key`` to every account that has a key pair, keeping the old key
        sealed beside it until ``finish_rekey`` (a crash in between leaves both usable).
        Returns the ids of accounts with a format-1 wrap: they cannot be given the new
        key without their password and need a new one from the administrator."""
        dropped: list[int] = []

        def change(data: dict) -> dict:
            dropped.clear()
            accounts = {}
            for lookup, entry in data["accounts"].items():
                if entry.get("legacy") or "public" not in entry:
                    dropped.append(entry["user_id"])
                    continue
                scope = entry.get("scope", DATABASE_SCOPE)
                public = _unb64(entry["public"])
                entry = {k: v for k, v in entry.items() if k != "sealed_old"}
                entry["sealed_old"] = seal(public, _scope_key(old_key, scope), lookup)
                entry["sealed"] = seal(public, _scope_key(new_key, scope), lookup)
                accounts[lookup] = entry
            data["accounts"] = accounts
            data["rekey_from"] = key_id(old_key)
            data["key_id"] = key_id(new_key)
            data["derived"] = True
            data["needs_new_recovery_key"] = True
            data.pop("legacy_recovery", None)
            return data

        self._update(change)
        return dropped

    def finish_rekey(self, new_key: bytes) -> None:
        def change(data: dict) -> dict | None:
            if data["key_id"] != key_id(new_key):
                return None
            for entry in data["accounts"].values():
                entry.pop("sealed_old", None)
            data.pop("rekey_from", None)
            return data

        self._update(change)

    def mark_recovery_key_shown(self, db_key: bytes) -> None:
        """The administrator confirmed that the recovery key of ``db_key`` is printed."""

        def change(data: dict) -> dict | None:
            if data["key_id"] != key_id(db_key) or not data.get("derived"):
                return None
            data["needs_new_recovery_key"] = False
            return data

        self._update(change)

    # --- recovery ------------------------------------------------------------------------------

    def unlock_with_recovery_key(self, recovery_key: str) -> list[bytes]:
        """Candidate database keys for the recovery key: the derived key, and for a
        database from before format 2 the key wrapped under it."""
        candidates = [key_from_recovery_key(recovery_key)]
        entry = (self.data or {}).get("legacy_recovery")
        if entry is not None:
            with contextlib.suppress(WrongSecret):
                candidates.append(_unwrap(entry, normalise_recovery_key(recovery_key), RECOVERY))
        return candidates

    # --- failures ----------------------------------------------------------------------------------

    def take_pending_failures(self) -> list[PendingFailure]:
        return Attempts(self.db_path).take_pending()


class KeyChanged(Exception):
    """The database key changed (another copy of the program re-keyed it) meanwhile."""


def lookup_hash(pepper: bytes, username: str) -> str:
    import hashlib

    return hashlib.sha256(pepper + username.strip().lower().encode("utf-8", "replace")).hexdigest()


def _sealed_keys(entry: dict, private: bytes, lookup: str) -> list[bytes]:
    keys = [unseal(private, entry["sealed"], lookup)]
    if "sealed_old" in entry:
        keys.append(unseal(private, entry["sealed_old"], lookup))
    return keys


class Attempts:
    """``<db>.attempts``: failed logins per (peppered) username and those still to be
    written to the access log. Small and bounded; changed atomically under its lock."""

    def __init__(self, db_path: Path | str):
        self.path = attempts_path(db_path)

    def _read(self) -> dict:
        try:
            data = safe_file.read_json(self.path)
        except (FileNotFoundError, FileDamaged):
            return {"names": {}, "pending": []}
        if not isinstance(data.get("names"), dict) or not isinstance(data.get("pending"), list):
            return {"names": {}, "pending": []}
        return data

    def _update(self, change) -> None:
        def read(_path: Path) -> dict:
            return self._read()

        safe_file.update_json(self.path, change, read=read)

    def waiting(self, lookup: str, now: float) -> int:
        entry = self._read()["names"].get(lookup)
        if not isinstance(entry, dict):
            return 0
        wait_until = float(entry.get("wait_until", 0) or 0)
        return int(wait_until - now + 0.999) if wait_until > now else 0

    def failures(self, lookup: str) -> int:
        entry = self._read()["names"].get(lookup) or {}
        return int(entry.get("failures", 0))

    def failed(self, lookup: str, user_id: int | None, now: float) -> None:
        def change(data: dict) -> dict:
            names = data["names"]
            entry = names.pop(lookup, None) or {"failures": 0}
            entry["failures"] = int(entry.get("failures", 0)) + 1
            entry["wait_until"] = now + wait_seconds(entry["failures"])
            entry["last"] = now
            names[lookup] = entry
            if len(names) > MAX_ATTEMPT_ENTRIES:
                oldest = sorted(names, key=lambda k: names[k].get("last", 0))
                for stale in oldest[: len(names) - MAX_ATTEMPT_ENTRIES]:
                    del names[stale]
            data["pending"] = (data["pending"] + [{"user_id": user_id, "at": now}])[
                -MAX_PENDING_FAILURES:
            ]
            return data

        self._update(change)

    def succeeded(self, lookup: str) -> None:
        if lookup not in self._read()["names"]:
            return

        def change(data: dict) -> dict | None:
            if data["names"].pop(lookup, None) is None:
                return None
            return data

        self._update(change)

    def clear(self, lookups: set[str] | None = None) -> None:
        def change(data: dict) -> dict:
            if lookups is None:
                data["names"] = {}
            else:
                data["names"] = {k: v for k, v in data["names"].items() if k not in lookups}
            return data

        self._update(change)

    def take_pending(self) -> list[PendingFailure]:
        """Failed logins not yet in the access log; the caller writes them there."""
        if not self._read()["pending"]:
            return []
        taken: list[PendingFailure] = []

        def change(data: dict) -> dict | None:
            taken.clear()
            for item in data["pending"]:
                try:
                    taken.append(PendingFailure(item.get("user_id"), float(item["at"])))
                except (KeyError, TypeError, ValueError, AttributeError):
                    continue
            if not data["pending"]:
                return None
            data["pending"] = []
            return data

        self._update(change)
        return taken
