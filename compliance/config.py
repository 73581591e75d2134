"""Settings read from the environment (prefix COMPLIANCE_)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as COMPLIANCE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="COMPLIANCE_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'compliance.db'}"
    timezone: str = "Asia/Shanghai"
    guardrail_profile: str = "CN"
    data_dir: Path = PROJECT_ROOT / "var" / "data"
    max_upload_bytes: int = 10 * 1024 * 1024
    # Photos are downscaled on upload: a phone photo is 12 MP, a dossier needs far less.
    max_image_side_px: int = 2000
    # A writer waits this long for its turn (other processes write too) before it gives up.
    sqlite_busy_timeout_ms: int = 30_000
    # Where the office's web app is reached: printed dossiers carry its verification address
    # in their QR code (set COMPLIANCE_BASE_URL to the address staff and lawyers can open).
    base_url: str = "http://127.0.0.1:8000"
    # Memory each server process may use for pages of the case list it has already served
    # (api/case_list_cache.py); 0 serves every page from the database.
    case_list_cache_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    # The audit head is anchored outside the database (compliance/audit/anchor.py): the
    # anchor log's folder (default: `anchors` beside the data folder) and the HMAC key that
    # signs its lines (default: generated once into `audit.key` beside the data folder, 0600).
    anchor_dir: Path | None = None
    audit_key: str = ""


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own Settings)."""
    return Settings()
