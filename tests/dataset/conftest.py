"""A fake crawl archive over the shared corpus, served through the same three calls
as ``crawler.archive`` (iter_documents, read_payload, ledger_rows)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crawler.archive import ArchivedDocument

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


Doc = ArchivedDocument  # the archive's own record: the fake serves exactly what the crawler stores


@dataclass
class FakeArchive:
    docs: list[Doc] = field(default_factory=list)
    payloads: dict[str, bytes] = field(default_factory=dict)
    extra_ledger: list[dict] = field(default_factory=list)

    def add(self, data: bytes, url: str, district: str, level: str, *, role: str = "report",
            media_type: str = "text/html", source_id: str | None = None, agency_hint: str | None = None,
            year_hint: int | None = None, published_hint: str | None = None,
            parent_url: str | None = None) -> Doc:  # fmt: skip
        sha = hashlib.sha256(data).hexdigest()
        self.payloads[sha] = data
        doc = Doc(url, url, source_id or f"src-{district}-{level}", district, level, agency_hint, year_hint,
                  None, published_hint, role, parent_url, sha, media_type, "2025-06-01T00:00:00Z")  # fmt: skip
        self.docs.append(doc)
        return doc

    def iter_documents(self, data_dir: Path):
        yield from self.docs

    def read_payload(self, data_dir: Path, sha256: str) -> bytes:
        return self.payloads[sha256]

    def ledger_rows(self, data_dir: Path) -> list[dict]:
        rows = [{"url": d.url, "final_url": d.final_url, "source_id": d.source_id, "district": d.district,
                 "level": d.level, "role": d.role, "status": "ok", "http_status": 200, "fetched_at": d.fetched_at,
                 "sha256": d.sha256, "media_type": d.media_type, "size": len(self.payloads[d.sha256])}
                for d in self.docs]  # fmt: skip
        return rows + self.extra_ledger


#: corpus file → (address, district, level, media type)
CORPUS_DOCS = {
    "fj-pingtan-2020.html": ("https://www.pingtan.gov.cn/zwgk/zfxxgknb/202103/t20210305_1.htm", "平潭综合实验区", "district", "text/html"),
    "fj-pingtan-2022.html": ("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm", "平潭综合实验区", "district", "text/html"),
    "cq-banan-nanpeng-2024.txt": ("http://www.cqbn.gov.cn/bmjz/jz/npjd/zwgk_1/zfxxgknb_1/202501/t20250120_1.txt", "巴南区", "street", "text/plain"),
    "js-huaian-hongze-2024.pdf": ("https://www.hongze.gov.cn/nb/2024.pdf", "洪泽区", "district", "application/pdf"),
    "js-shuyang-fgj-2023.html": ("https://www.shuyang.gov.cn/fgj/nb/t20240117_1.html", "沭阳县", "department", "text/html"),
}  # fmt: skip


def corpus_archive() -> FakeArchive:
    if not CORPUS.is_dir():
        pytest.skip(
            f"shared corpus not found at {CORPUS} (tests read it from ../shared relative to the repo)"
        )
    arc = FakeArchive()
    for name, (url, district, level, mt) in CORPUS_DOCS.items():
        arc.add((CORPUS / name).read_bytes(), url, district, level, media_type=mt)
    # the 2022 page again as a mobile copy and a broken attachment of the same page: duplicates
    page = CORPUS_DOCS["fj-pingtan-2022.html"][0]
    arc.add((CORPUS / "fj-pingtan-2022.html").read_bytes(), page.replace(".htm", "_wap.htm"),
            "平潭综合实验区", "district", published_hint="2023-02-21")  # fmt: skip
    arc.add(b"%PDF-1.4 broken", page.replace(".htm", ".pdf"), "平潭综合实验区", "district", role="attachment",
            media_type="application/pdf", agency_hint="平潭综合实验区", year_hint=2022, parent_url=page)  # fmt: skip
    arc.extra_ledger.append({"url": "http://www.cqbn.gov.cn/bmjz/jz/alz/index.html", "source_id": "cqbn-alz",
                             "district": "巴南区", "level": "township", "role": "list", "status": "ok"})  # fmt: skip
    return arc


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    """Corpus → extraction → Parquet → DuckDB, built once for the session."""
    from dataset import cli as dataset_cli
    from dataset import duck

    arc = corpus_archive()
    data_dir = tmp_path_factory.mktemp("corpus-data")
    assert dataset_cli.extract(data_dir, archive=arc) == 0
    duck.build_database(data_dir)
    return data_dir, arc
