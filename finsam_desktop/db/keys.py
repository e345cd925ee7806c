"""The database key and the only places it is kept: wrapped, in a sidecar file.

Design
------
- The database file is encrypted by SQLCipher with a **random 256-bit key** that is
  given to SQLCipher raw (``PRAGMA key = "x'…'"``), so SQLCipher does no key
  derivation of its own and opening a connection costs well under a millisecond.
- That key is never stored in clear. It is stored **wrapped** (AES-256-GCM) once per
  account, under a key derived from the account's password with **argon2id**
  (64 MiB, 3 passes, ≈ 0.1 s), and once under the **recovery key** (random, 160 bits,
  printed once at setup and kept in a safe).
- The wraps live in a small unencrypted JSON file next to the database,
  ``<database>.keys`` (``finsam.sqlite`` → ``finsam.sqlite.keys``). It holds nothing
  readable about people: per wrap a salted hash of the username (so that the login
  can find the right wrap without trying every one), the user's numeric id, the
  argon2 parameters and salt, the AES-GCM nonce and the wrapped key.
- The sidecar also counts failed logins per account and the time the account may try
  again, because a failed login cannot be written into a database that could not be
  opened. The failures are moved into the access log at the next successful login.
  (Someone who can edit the sidecar could reset that counter; he can equally copy both
  files and guess offline, against which the argon2 cost is the protection.)
- Changing a password rewraps; removing or deactivating an account removes its wrap;
  without any wrap (or the recovery key) the file is unreadable. Losing the sidecar
  makes the database unreadable except with the recovery key *and* a copy of the
  sidecar, so backups copy the sidecar with the database.

The file is rewritten atomically (write a temporary file, fsync, rename).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = 1
KEY_BYTES = 32
RECOVERY = "recovery"
# argon2id parameters: memory in KiB. Stored per wrap so they can be raised later.
KDF_PARAMS = {"t": 3, "m": 65536, "p": 4}
FREE_ATTEMPTS = 5  # failures allowed before the account has to wait
FIRST_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 15 * 60


class WrongSecret(Exception):
    """The password or recovery key does not unlock the database key."""


class AccountWaiting(Exception):
    """Too many failed attempts: the account may try again after ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def sidecar_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".keys")


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def sqlcipher_key(key: bytes) -> str:
    """The raw-key literal SQLCipher takes: no passphrase derivation on open."""
    return f"x'{key.hex()}'"


def wait_seconds(failures: int) -> int:
    """How long an account waits after ``failures`` failed attempts in a row: nothing for
    the first five, then 30 s doubling with every further failure, at most 15 minutes."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - FREE_ATTEMPTS))


# --- recovery key text ----------------------------------------------------------------


def new_recovery_key() -> str:
    """160 random bits as 8 groups of 4 base32 letters: easy to read off paper and type."""
    text = base64.b32encode(secrets.token_bytes(20)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> str:
    """What the user typed, forgiving case, spaces, dashes and the look-alikes 0/O, 1/I, 8/B."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    letters = letters.translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


# --- wrapping ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _derive(secret: str, salt: bytes, params: dict) -> bytes:
    return hash_secret_raw(
        secret.encode("utf-8"),
        salt,
        time_cost=params["t"],
        memory_cost=params["m"],
        parallelism=params["p"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _wrap(db_key: bytes, secret: str, label: str) -> dict:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _derive(secret, salt, KDF_PARAMS)
    wrapped = AESGCM(kek).encrypt(nonce, db_key, label.encode("utf-8"))
    return {
        "kdf": "argon2id",
        **KDF_PARAMS,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def _unwrap(entry: dict, secret: str, label: str) -> bytes:
    kek = _derive(secret, _unb64(entry["salt"]), entry)
    try:
        return AESGCM(kek).decrypt(
            _unb64(entry["nonce"]), _unb64(entry["wrapped"]), label.encode("utf-8")
        )
    except InvalidTag:
        raise WrongSecret() from None


@dataclass
class PendingFailure:
    """A failed login recorded before the database could be opened."""

    user_id: int | None
    at: float  # epoch seconds


class KeyFile:
    """The sidecar file. Methods that change it write it back at once."""

    def __init__(self, db_path: Path | str):
        self.path = sidecar_path(db_path)
        self.data: dict = {
            "format": FORMAT,
            "pepper": _b64(secrets.token_bytes(16)),
            "wraps": {},
            "pending_failures": [],
        }
        self.reload()

    def reload(self) -> None:
        """Read the file again: another copy of the program (on another PC, on a shared
        folder) may have added or removed a wrap since. Every change reads first."""
        if self.path.exists():
            self.data = json.loads(self.path.read_text(encoding="utf-8"))

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def _lookup(self, username: str) -> str:
        digest = hashlib.sha256(_unb64(self.data["pepper"]) + username.strip().lower().encode())
        return digest.hexdigest()

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.data, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    # --- accounts ---------------------------------------------------------------------

    def has_account(self, username: str) -> bool:
        return self._lookup(username) in self.data["wraps"]

    def user_ids(self) -> set[int]:
        return {w["user_id"] for w in self.data["wraps"].values() if w.get("user_id") is not None}

    def set_password(self, db_key: bytes, user_id: int, username: str, password: str) -> None:
        """Wrap the key for this account (new account, changed or reset password)."""
        self.reload()
        self.remove_user(user_id, save=False, reload=False)
        lookup = self._lookup(username)
        entry = _wrap(db_key, password, lookup)
        entry.update(user_id=user_id, failures=0, wait_until=0.0)
        self.data["wraps"][lookup] = entry
        self.save()

    def remove_user(self, user_id: int, save: bool = True, reload: bool = True) -> None:
        if reload:
            self.reload()
        wraps = self.data["wraps"]
        for lookup in [k for k, w in wraps.items() if w.get("user_id") == user_id]:
            del wraps[lookup]
        if save:
            self.save()

    def unlock(self, username: str, password: str, now: float | None = None) -> tuple[int, bytes]:
        """The user's id and the database key; counts failures and enforces the wait."""
        now = time.time() if now is None else now
        self.reload()
        lookup = self._lookup(username)
        entry = self.data["wraps"].get(lookup)
        if entry is None:
            # Same work as a real attempt, so timing does not tell which usernames exist.
            _derive(password, b"\0" * 16, KDF_PARAMS)
            self._record_failure(None, now)
            raise WrongSecret()
        if entry.get("wait_until", 0) > now:
            raise AccountWaiting(int(entry["wait_until"] - now + 0.999))
        try:
            key = _unwrap(entry, password, lookup)
        except WrongSecret:
            entry["failures"] = entry.get("failures", 0) + 1
            entry["wait_until"] = now + wait_seconds(entry["failures"])
            self._record_failure(entry["user_id"], now)
            raise
        if entry.get("failures"):
            entry["failures"], entry["wait_until"] = 0, 0.0
            self.save()
        return entry["user_id"], key

    def clear_failures(self, user_id: int) -> None:
        self.reload()
        for entry in self.data["wraps"].values():
            if entry.get("user_id") == user_id:
                entry["failures"], entry["wait_until"] = 0, 0.0
        self.save()

    def _record_failure(self, user_id: int | None, now: float) -> None:
        self.data["pending_failures"].append({"user_id": user_id, "at": now})
        self.save()

    def take_pending_failures(self) -> list[PendingFailure]:
        """Failed logins not yet in the access log; the caller writes them there."""
        self.reload()
        items = [PendingFailure(p["user_id"], p["at"]) for p in self.data["pending_failures"]]
        if items:
            self.data["pending_failures"] = []
            self.save()
        return items

    # --- recovery ----------------------------------------------------------------------

    def set_recovery_key(self, db_key: bytes, recovery_key: str) -> None:
        self.reload()
        self.data[RECOVERY] = _wrap(db_key, normalise_recovery_key(recovery_key), RECOVERY)
        self.save()

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        entry = self.data.get(RECOVERY)
        if entry is None:
            raise WrongSecret()
        return _unwrap(entry, normalise_recovery_key(recovery_key), RECOVERY)
