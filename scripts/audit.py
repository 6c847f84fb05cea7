"""`make audit`: the locked dependencies (requirements/*.lock) against the PyPI advisory
database, through pip-audit.

- A known vulnerability in a locked version fails (exit 1), naming the package, the advisory
  and the version that fixes it: update the lock (`make lock`) and commit it.
- A package the service could not be asked about (no network, or a registry mirror without
  PyPI's per-release JSON) is not a pass: the audit says how many were not checked. It
  fails with IMIS_AUDIT_STRICT=1 (set it where the service is reachable), and warns
  otherwise, so a machine without the service can still run `make test`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements" / "base.lock", ROOT / "requirements" / "dev.lock"]


def audit(lock: Path) -> dict:
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--requirement", str(lock), "--require-hashes", "--disable-pip",
        "--progress-spinner", "off", "--format", "json",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        return json.loads(done.stdout)
    except ValueError:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"pip-audit gave no report for {lock.name}") from None


def main() -> int:
    vulnerable, unchecked, checked = [], set(), set()
    for lock in LOCKS:
        for dependency in audit(lock)["dependencies"]:
            key = f"{dependency['name']}=={dependency.get('version', '?')}"
            if "skip_reason" in dependency:
                unchecked.add(dependency["name"])
                continue
            checked.add(dependency["name"])
            for vuln in dependency.get("vulns", []):
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
                vulnerable.append(f"  {key}: {vuln['id']} (fixed in {fixed})")
    print(f"Audited {len(checked)} locked packages; {len(unchecked)} could not be checked.")
    if vulnerable:
        print("Known vulnerabilities in locked versions:\n" + "\n".join(sorted(set(vulnerable))))
        return 1
    if unchecked:
        print(
            "The advisory service did not answer for: " + ", ".join(sorted(unchecked)) + ".\n"
            "These were NOT audited (no network, or a registry mirror without PyPI's "
            "per-release JSON). Run `make audit` where pypi.org answers."
        )
        return 2 if os.environ.get("IMIS_AUDIT_STRICT") == "1" else 0
    print("No known vulnerabilities.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
