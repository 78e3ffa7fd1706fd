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
    assert '(../notebooks/ch01-cnn.ipynb){ .md-button download="ch01-cnn.ipynb" }' in text


def test_card_never_says_zero_seconds(tmp_path):
    import json
    import shutil

    (tmp_path / "ch01").mkdir()
    (tmp_path / "generated").mkdir()
    for page in ("three-networks", "cnn"):
        shutil.copy(DOCS / "ch01" / f"{page}.md", tmp_path / "ch01")
    stamp = {"cpu": "CPU", "date": "2026-01-01T00:00:00", "tensorflow": "2", "keras": "3"}
    (tmp_path / "generated" / "block-times.json").write_text(json.dumps({
        "docs/ch01/three-networks.md": {"blocks": 0, "cpu_seconds": 0.0, **stamp},
        "docs/ch01/cnn.md": {"blocks": 2, "cpu_seconds": 0.04, **stamp}}), encoding="utf-8")
    empty, quick = (run_card(f"ch01/{p}.md", tmp_path, "owner/name", REPO) for p in ("three-networks", "cnn"))
    assert "本页没有代码块" in empty and "不到 0.1 秒" in quick
    assert "0.0 秒" not in empty + quick


def test_card_gives_the_total_time_of_the_runs_and_how_many_were_loaded():
    """完整运行一行写出这些运行合计用了多久，并说明其中几个是在别的程序争用 CPU 时记录的（与表中的 † 同一规则）。"""
    from adlk.runs.provenance import under_load

    everything = [read_result(result_path(DOCS / "results" / "cpu", table(t), r)) for t in ("mlp", "cnn", "rnn", "mlp-sgd")
                  for r in table(t).runs]
    total = sum(r["timing"]["wall_seconds"] for r in everything) / 60
    loaded = sum(under_load(r) for r in everything)
    text = card("ch01/configurations.md")
    assert f"这些运行合计用时 {total:.1f} 分钟" in text
    assert (f"其中 {loaded} 个是在别的程序争用 CPU 时记录的" in text) == (loaded > 0)
