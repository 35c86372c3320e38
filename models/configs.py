"""Read a model config. A student's config (models/configs/<id>-fast.json) names its `teacher`
and holds only what differs: it inherits the teacher's net, data and training fields, so the two
cannot drift apart."""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent / "configs"


def load(path) -> dict:
    cfg = json.loads(Path(path).read_text())
    if "teacher" not in cfg:
        return cfg
    base = load(Path(path).with_name(f"{cfg['teacher']}.json"))
    runtime = {**base["runtime"], **cfg.get("runtime", {})}
    return {**base, **cfg, "runtime": runtime}
