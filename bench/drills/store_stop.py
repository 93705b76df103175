"""Drill: stop the object store (Swift) under the mixed load; uploads refused clearly, downloads
503, and both work again when it is back.

    python bench/drills/store_stop.py      # beside `make cluster`, as root; about 100 s

Beside the load, a citizen (demo, API token) makes a draft and uploads a PDF every 2 s, and
downloads the last file uploaded before the fault every second. Stops every Swift server after
DRILL_BEFORE seconds, starts them 30 s later. Passes when, while the store is away, every upload
is refused with a 503 problem (nothing half-stored) and every download answers 503, and after it
is back uploads answer 201 and the download 200 again.
"""

from __future__ import annotations

import json
import time
import uuid

from _drill import BASE, Probe, cluster, cluster_env, fixture, report, run, status_of

DOWN_SECONDS = 30


def multipart(field: str, pdf: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\n{field}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="dokumen.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def main() -> None:
    data = json.loads(fixture().read_text())
    citizen = data["citizens"][0]
    apply = data["apply"]
    pdf = bytes.fromhex(data["pdf_hex"])
    auth = {"Authorization": f"Bearer {citizen['token']}"}
    last: dict[str, str] = {}

    def upload() -> int:
        status, body = status_of(
            f"{BASE}/api/v1/applications",
            method="POST",
            data=json.dumps({"service": apply["service"], "data": apply["data"]}).encode(),
            headers={**auth, "Content-Type": "application/json"},
        )
        if status != 201:
            return -status
        pk = json.loads(body)["id"]
        payload, content_type = multipart(apply["files"][0], pdf)
        status, body = status_of(
            f"{BASE}/api/v1/applications/{pk}/documents",
            method="POST",
            data=payload,
            headers={**auth, "Content-Type": content_type},
        )
        if status == 201 and "frozen" not in last:
            last["url"] = f"{BASE}/permohonan/{pk}/berkas/{json.loads(body)['id']}/"
        return status

    def download() -> int:
        if "url" not in last:
            return -1
        return status_of(last["url"], headers={"Cookie": citizen["cookie"]})[0]

    uploads = Probe(upload, every=2)
    downloads = Probe(download, every=1)

    def fault() -> dict:
        last["frozen"] = "1"
        cluster("kill", "swift", "TERM")
        stopped = time.time()
        time.sleep(DOWN_SECONDS)
        cluster("start", "swift")
        return {"stopped": stopped, "started": time.time()}

    figures, at = run("object store stop", fault, fault_seconds=DOWN_SECONDS)
    uploads.stop()
    downloads.stop()
    # The first seconds after the stop and the start: requests already under way.
    up_during = uploads.between(figures["stopped"] + 3, figures["started"])
    down_during = downloads.between(figures["stopped"] + 3, figures["started"])
    up_after = uploads.between(figures["started"] + 5, time.time())
    down_after = downloads.between(figures["started"] + 5, time.time())
    import importlib.util

    storage = cluster_env().get("MPP_STORAGE", "local")
    if importlib.util.find_spec("storages") is None:
        storage += " (django-storages not installed: files stay in MEDIA_ROOT)"
    ok = (
        set(up_during) <= {503}
        and set(down_during) <= {503}
        and set(up_after) == {201}
        and set(down_after) == {200}
    )

    def show(counts) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "—"

    report(
        "object store stop",
        figures,
        at,
        [
            ("store away (s)", DOWN_SECONDS),
            ("uploads while away", show(up_during)),
            ("downloads while away", show(down_during)),
            ("uploads after", show(up_after)),
            ("downloads after", show(down_after)),
            ("MPP_STORAGE", storage),
        ],
        ok,
        "uploads refused with 503 and downloads 503 while away; both work again"
        if ok
        else "an upload accepted or a download served while the store was away (is the release "
        "storing in the object store?), or a 500, or no recovery",
    )


if __name__ == "__main__":
    main()
