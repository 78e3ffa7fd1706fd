"""运行卡片：链接与数值都由文件得出，完整运行一行只列本页真正引用的结果文件。"""

from adlk.ch01.experiments import table
from adlk.runs.results import read_result, result_path
from adlk.site.hooks import run_card
from tests.conftest import DOCS

REPO = "https://github.com/owner/name"


def card(page: str) -> str:
    return run_card(page, DOCS, "owner/name", REPO)


def test_card_counts_the_results_the_page_includes():
    everything = [result_path(DOCS / "results" / "cpu", table(t), r) for t in ("mlp", "cnn", "rnn", "mlp-sgd")
                  for r in table(t).runs]
    text = card("ch01/configurations.md")
    assert f"（{len(everything)} 个结果文件）" in text
    cpu = read_result(everything[0])["provenance"]["cpu"]
    assert cpu in text
    assert "（1 个结果文件）" in card("ch01/cnn.md") and "（3 个结果文件）" in card("ch01/side-by-side.md")


def test_page_without_results_says_so():
    text = card("ch01/three-networks.md")
    assert "本页没有引用完整训练的结果" in text and "结果文件）" not in text


def test_links_come_from_the_repository_address():
    text = card("ch01/cnn.md")
    assert "https://colab.research.google.com/github/owner/name/blob/main/docs/notebooks/ch01-cnn.ipynb" in text
    assert f"{REPO}/blob/main/docs/ch01/cnn.md" in text
    assert 'href="../../notebooks/ch01-cnn/ch01-cnn.ipynb" download' in text
