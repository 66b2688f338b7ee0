"""Settings from the environment, with defaults that work on a fresh, empty data dir."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    public_url: str | None = None  # the address the public reaches the portal at, printed in QR codes
    upload_dir: Path | None = None  # applicants' files; a shared volume when several machines serve the app

    @property
    def uploads_dir(self) -> Path:
        return self.upload_dir or self.data_dir / "uploads"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def uploads_dir_from_env() -> Path:
    """Where applicants' files live when nobody says otherwise: ONEWINDOW_UPLOAD_DIR, else <data dir>/uploads."""
    explicit = os.environ.get("ONEWINDOW_UPLOAD_DIR")
    if explicit:
        return Path(explicit).resolve()
    return Path(os.environ.get("ONEWINDOW_DATA_DIR") or "instance").resolve() / "uploads"


def load_settings(**overrides) -> Settings:
    """Read ONEWINDOW_DATA_DIR, DATABASE_URL, SECRET_KEY, ONEWINDOW_PUBLIC_URL, ONEWINDOW_UPLOAD_DIR; create the
    data dir if needed."""
    data_dir = Path(overrides.get("data_dir") or os.environ.get("ONEWINDOW_DATA_DIR") or "instance").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = overrides.get("database_url") or os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'onewindow.sqlite3'}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver we ship; plain URLs from ops people should just work.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    secret = overrides.get("secret_key") or _secret_key(data_dir)
    public_url = (overrides.get("public_url") or os.environ.get("ONEWINDOW_PUBLIC_URL") or "").rstrip("/") or None
    upload = overrides.get("upload_dir") or os.environ.get("ONEWINDOW_UPLOAD_DIR")
    settings = Settings(data_dir=data_dir, database_url=url, secret_key=secret, public_url=public_url,
                        upload_dir=Path(upload).resolve() if upload else None)
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    settings.documents_dir.mkdir(exist_ok=True)
    return settings
