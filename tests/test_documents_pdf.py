"""Document PDFs: a real Chinese font embedded, text a machine can read back, rebuilt identically."""
import hashlib
import io

import pytest
from pypdf import PdfReader

from engine import cases
from engine.notices import files

from .helpers import answer, application, documents, item_code, only_open_task, worker_for

VERIFY_BASE = "https://ywt.example.gov.cn/verify/"


@pytest.fixture
def notice(db, users, pdf_font):
    """The acceptance notice of 珠海海韵建设有限公司's construction permit case."""
    code = item_code(db, "construction_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    return documents(db, case_id)[0]


def _pdf(db, notice, tmp_path):
    return files.pdf_file(db, notice.id, tmp_path / "documents", VERIFY_BASE + notice.verify_code)


def _fonts(reader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            yield font.get_object()


def test_the_pdf_embeds_a_truetype_font_and_reads_back_in_chinese(db, notice, tmp_path):
    reader = PdfReader(io.BytesIO(_pdf(db, notice, tmp_path).read_bytes()))
    embedded = [f for f in _fonts(reader) if "/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"]]
    assert embedded, "no embedded TrueType font"
    text = "".join(page.extract_text() for page in reader.pages)
    assert "受理通知书" in text and notice.number in text and "珠海海韵建设有限公司" in text
    assert "斗门区住房和城乡建设局" in text and notice.verify_code in text


def test_the_first_download_records_the_file_and_its_hash(db, notice, tmp_path):
    path = _pdf(db, notice, tmp_path)
    stored = documents(db, notice.case_id)[0]
    assert stored.pdf_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert path == tmp_path / "documents" / stored.pdf_path


def test_a_lost_or_altered_file_is_rebuilt_identically_from_the_stored_content(db, notice, tmp_path):
    path = _pdf(db, notice, tmp_path)
    original = path.read_bytes()
    path.write_bytes(original[:-16] + b"%% tampered %%\n")
    assert _pdf(db, notice, tmp_path).read_bytes() == original
    path.unlink()
    assert _pdf(db, notice, tmp_path).read_bytes() == original
