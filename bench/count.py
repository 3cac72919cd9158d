#!/usr/bin/env python3
"""Counts what a registry holds: subjects, live versions and distinct schema ids (stdlib only).

Usage: count.py http://127.0.0.1:PORT  -> {"subjects": n, "versions": n, "distinct_ids": n, "duplicate_versions": n}
Checks that every subject's versions are 1..n (prints the number of subjects where they are not).
"""

import json
import sys
import urllib.parse
import urllib.request


def get(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return json.loads(response.read())


def main() -> None:
    base = sys.argv[1]
    subjects = get(base, "/subjects")
    versions = 0
    not_contiguous = 0
    for subject in subjects:
        listed = get(base, f"/subjects/{urllib.parse.quote(subject, safe='')}/versions")
        versions += len(listed)
        if listed != list(range(1, len(listed) + 1)):
            not_contiguous += 1
    schemas = get(base, "/schemas?limit=1000000")
    ids = {s["id"] for s in schemas}
    print(json.dumps({
        "subjects": len(subjects),
        "versions": versions,
        "distinct_ids": len(ids),
        "subjects_with_gaps": not_contiguous,
    }))


if __name__ == "__main__":
    main()
