"""snippets.deploy: a deployed model reloads in a new process and predicts exactly as before;
the predictor and the CSV reader refuse bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from snippets.deploy import DeployReport, deploy, load_predictor, read_csv_rows
from snippets.workflow import (
    bundle,
    choose_architecture,
    choose_loss,
    choose_optimizer,
    define_problem,
    prepare_data,
    train,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> DeployReport:
    """A breast-cancer model trained for a few epochs (what it predicts does not matter here,
    only that the reloaded copy predicts the same), deployed with five raw validation rows."""
    torch.set_num_threads(1)
    torch.manual_seed(0)
    problem = define_problem("breast-cancer")
    data = prepare_data(problem, seed=0)
    model = choose_architecture(problem, hidden=(16,))
    loss_fn = choose_loss(problem)
    train(model, problem, data, loss_fn, choose_optimizer(model, "adam", 1e-2), max_epochs=3)
    examples = data.x_scaler.inverse_transform(data.X_val[:5])
    folder = tmp_path_factory.mktemp("deployed") / "breast-cancer"
    return deploy(bundle(model, data), problem, (16,), folder, examples)


def test_deploy_writes_the_checkpoint_the_program_and_the_example_rows(
    deployed: DeployReport,
) -> None:
    assert sorted(p.name for p in deployed.directory.iterdir()) == [
        "example_input.csv",
        "model.pt",
        "model.pt2",
    ]
    assert read_csv_rows(deployed.example_input).shape == (5, 30)


def test_save_reload_in_a_new_process_gives_the_same_predictions(
    deployed: DeployReport,
) -> None:
    rows = read_csv_rows(deployed.example_input)
    here = load_predictor(deployed.directory)
    expected = here.predict(rows)
    with torch.no_grad():
        expected_logits = here.pipeline(torch.from_numpy(rows.astype(np.float32))).numpy()
    script = textwrap.dedent(
        f"""
        import json, numpy as np, torch
        from snippets.deploy import predict, read_csv_rows
        rows = read_csv_rows({str(deployed.example_input)!r})
        program = torch.export.load({str(deployed.exported)!r}).module()
        exported = program(torch.from_numpy(rows.astype(np.float32))).detach().numpy()
        print(json.dumps({{"predict": predict({str(deployed.directory)!r}, rows).tolist(),
                          "exported": exported.tolist()}}))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    there = json.loads(proc.stdout)
    assert there["predict"] == expected.tolist()
    np.testing.assert_allclose(np.array(there["exported"]), expected_logits, rtol=1e-5, atol=1e-6)


def test_predictor_validates_its_input(deployed: DeployReport) -> None:
    predictor = load_predictor(deployed.directory)
    with pytest.raises(
        ValueError, match=r"X must have shape \(n, 30\) for this model, got \(2, 3\)"
    ):
        predictor.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="X must contain only finite numbers"):
        predictor.predict(np.full((1, 30), np.nan))
    with pytest.raises(ValueError, match=r"directory must hold a model\.pt"):
        load_predictor(ROOT / "no-such-model")


def test_read_csv_rows_skips_a_header_and_refuses_text(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("a,b\n1,2\n3,4.5\n")
    bad.write_text("1,2\n3,x\n")
    np.testing.assert_array_equal(read_csv_rows(good), [[1.0, 2.0], [3.0, 4.5]])
    with pytest.raises(ValueError, match="every value must be a number"):
        read_csv_rows(bad)
