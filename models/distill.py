"""Few-step students (issue 14): a guided teacher distilled into a student that samples in 4 DDIM
steps with one network call per step, under the same denoiser contract (docs/MODEL-CONTRACT.md).

    python3 -m models.distill --config models/configs/sprite-fast.json --minutes 40

Method, trajectory-endpoint distillation (Luhman & Luhman 2021's one-step distillation, with the
target consistency distillation uses, taken at every time of the teacher's path):
1. Run the teacher's *guided* probability-flow ODE (DDIM with eta 0, `teacher_steps`, the
   teacher's guidance) from N noises, with the masks, known regions, labels and attributes of
   training, and keep x_t at every grid time and the endpoint x_0. With `distill.draw_temperature`
   (palette teachers) the endpoint is the teacher's palette draw, as the runtime samples it
   (docs/MODEL-CONTRACT.md): a student of the posterior-mean endpoint learns its flat fields
   (tile-fast v1: adherence 0.43, speckle 0.05; with drawn endpoints it learns the texture).
2. Train the student, initialised from the teacher, with the teacher's own loss (cross-entropy
   over palette colours or legend cells) on (x_t, t) -> the endpoint's palette index or cell.
Why this and not progressive distillation: one pass of teacher sampling instead of a round per
halving; the student still outputs x0, the ODE's endpoint from x_t, which does not depend on the
step size, so one student serves 1, 2 and 4 steps; guidance is folded in by construction (the
student sees the class and learns the guided endpoint; the runtime calls it with guidance 1); and
a hard index target keeps the cross-entropy heads sharp, where regressing the endpoint with MSE
averages (blurs) whatever the small net cannot resolve.
"""
import argparse
import copy
import time
from pathlib import Path

import torch

from . import configs, data, nets
from .diffusion import _final_x0, _keep_known, alpha, guided, random_masks, sigma, time_grid
from .train import HERE, checkpoint_path, drop_attributes, load_checkpoint, lr_at, machine, optimise, prepare_data, save_checkpoint

CACHE = HERE / "gpu" / "data" / "trajectories"  # ignored (.gitignore), hundreds of MB


@torch.no_grad()
def teacher_paths(teacher, d, noise, steps, mask, known, draw=None):
    """The guided Euler/DDIM path of `d` from `noise`: x at each of the grid's first `steps`
    times [steps, B, C, H, W] and the endpoint x_0 [B, C, H, W] (with `draw`, the teacher's
    palette draw at the last step, as the runtime samples it)."""
    ts = time_grid(steps)
    x = _keep_known(noise.clone(), 1.0, mask, known, noise)
    xs = []
    for i in range(steps):
        t, s = ts[i], ts[i + 1]
        xs.append(x.half())
        x0 = _final_x0(d, x, t, i == steps - 1, draw)
        eps = (x - alpha(t) * x0) / sigma(t)
        x = _keep_known(alpha(s) * x0 + sigma(s) * eps, s, mask, known, noise)
    return torch.stack(xs), x


def conditions(cfg, x, labels, weights, attrs, n, null):
    """A batch of training conditions: labels (null with the teacher's label dropout), masks,
    known regions from real data, attributes dropped as in training."""
    idx = torch.multinomial(weights, n, replacement=True)
    lb = labels[idx].clone()
    lb[torch.rand(n) < cfg["label_dropout"]] = null
    _, h, w = nets.layout(cfg)
    mask = random_masks(data.dataset(cfg), n, h, w)
    ab = None if attrs is None else drop_attributes(cfg, attrs[idx].clone(), lb == null)
    return lb, mask, x[idx] * mask, ab


def make_trajectories(cfg, teacher, prepared, count, folder: Path, cache: Path, batch=256):
    """`count` guided teacher paths, cached in `cache` per (teacher checkpoint, settings)."""
    x, labels, weights, _, _, attrs = prepared
    dist = cfg["distill"]
    null = len(data.class_names(data.dataset(cfg)))
    temperature = dist.get("draw_temperature")
    key = f"{cfg['teacher']}-{dist['teacher_steps']}-{dist['guidance']}-{count}{f'-draw{temperature}' if temperature else ''}-{checkpoint_path({'id': cfg['teacher']}, folder).stat().st_mtime_ns}"
    path = cache / f"{key}.pt"
    if path.exists():
        print(f"trajectories from {path}", flush=True)
        return torch.load(path)
    torch.manual_seed(dist.get("seed", 0))
    c, h, w = nets.layout(cfg)
    parts = {"xs": [], "x0": [], "label": [], "mask": [], "known": [], "attributes": []}
    start = time.time()
    for k in range(0, count, batch):
        n = min(batch, count - k)
        lb, mask, known, ab = conditions(cfg, x, labels, weights, attrs, n, null)
        d = guided(teacher, lb, null, float(dist["guidance"]), mask, known, ab)
        draw = (guided(teacher.logits, lb, null, float(dist["guidance"]), mask, known, ab),
                teacher.palette, temperature, torch.rand(n, h, w)) if temperature else None
        xs, x0 = teacher_paths(teacher, d, torch.randn(n, c, h, w), dist["teacher_steps"], mask, known, draw)
        for name, v in (("xs", xs), ("x0", x0), ("label", lb), ("mask", mask), ("known", known.half()), ("attributes", ab)):
            parts[name].append(v)
        done = k + n
        print(f"teacher paths {done}/{count} {(time.time() - start) / 60:.1f} min", flush=True)
    out = {name: (None if v[0] is None else torch.cat(v, dim=1 if name == "xs" else 0)) for name, v in parts.items()}
    cache.mkdir(parents=True, exist_ok=True)
    torch.save(out, path)
    return out


def student_times(steps_grid, student_steps, n):
    """Indices into the teacher's grid: half the batch at the student's own step times (the
    points a 1/2/4-step run visits, e.g. t = 1, .75, .5, .25 for `grid_steps` 4, which every
    shipped student was trained with, whatever its runtime default), half anywhere on the path."""
    own = torch.tensor([i for i, t in enumerate(time_grid(steps_grid)[:-1])
                        if abs(t * student_steps - round(t * student_steps)) < 1e-9])
    pick = own[torch.randint(0, len(own), (n,))]
    anywhere = torch.randint(0, steps_grid, (n,))
    return torch.where(torch.rand(n) < 0.5, pick, anywhere)


def distill_step(cfg, student, ema, opt, paths, state) -> float:
    dist = cfg["distill"]
    n = cfg["batch"]
    idx = torch.randint(0, paths["x0"].shape[0], (n,))
    ti = student_times(dist["teacher_steps"], dist.get("grid_steps", cfg["runtime"]["steps"]), n)
    xt = paths["xs"][ti, idx].float()
    t = torch.tensor(time_grid(dist["teacher_steps"]))[ti].float()
    mask, known = paths["mask"][idx], paths["known"][idx].float()
    ab = None if paths["attributes"] is None else paths["attributes"][idx]
    for g in opt.param_groups:
        g["lr"] = lr_at(cfg, state["step"] - state["schedule_from"])
    out = student.net(torch.cat([xt, mask, known * mask], dim=1), t, paths["label"][idx], ab)
    loss = student.parameterisation.loss(student, out, paths["x0"][idx], None, 1.0 - mask[:, 0])
    return optimise(cfg, student, ema, opt, loss, state)


def distill(cfg, root: Path, minutes: float, max_steps: int = 0, folder: Path = HERE / "checkpoints", cache: Path = CACHE,
            resume: bool = False):
    """Teacher <folder>/<teacher>.pt -> student <folder>/<id>.pt; `resume` continues the student
    (same teacher paths, a new lr schedule over the config's steps)."""
    dist = cfg["distill"]
    teacher = nets.build(cfg).eval()
    teacher_ckpt = load_checkpoint({"id": cfg["teacher"]}, teacher, folder)
    prepared = prepare_data(cfg, root, teacher)  # a palette model snaps the known regions to its palette
    start = time.time()
    paths = make_trajectories(cfg, teacher, prepared, dist["trajectories"], folder, cache)
    state = {"step": 0, "seconds": 0.0, "machines": [machine()], "ema_from": 0, "schedule_from": 0,
             "data": prepared[4], "teacher": {"id": cfg["teacher"], "step": teacher_ckpt["step"]}}
    student = copy.deepcopy(teacher).train()
    if resume:
        ckpt = load_checkpoint(cfg, student, folder)
        state.update(step=ckpt["step"], seconds=ckpt["seconds"], schedule_from=ckpt["step"], ema_from=ckpt["step"])
        print(f"resumed {cfg['id']} at step {state['step']}", flush=True)
    ema = copy.deepcopy(student).eval()
    opt = torch.optim.AdamW(student.parameters(), lr=cfg["lr"], weight_decay=0.0)
    seconds_before = state["seconds"]
    losses = []
    while time.time() - start < minutes * 60 and not (max_steps and state["step"] >= max_steps):
        losses.append(distill_step(cfg, student, ema, opt, paths, state))
        if state["step"] % 50 == 0:
            print(f"step {state['step']} loss {sum(losses) / len(losses):.4f} "
                  f"lr {lr_at(cfg, state['step'] - state['schedule_from']):.2e} {(time.time() - start) / 60:.1f} min", flush=True)
            losses = []
        if state["step"] % 500 == 0:
            save_checkpoint(cfg, ema, {**state, "seconds": seconds_before + time.time() - start}, folder)
    state["seconds"] = seconds_before + time.time() - start  # teacher sampling included: the student's whole cost
    save_checkpoint(cfg, ema, state, folder)
    print(f"saved {checkpoint_path(cfg, folder)} at step {state['step']} ({state['seconds'] / 60:.1f} min)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="models/configs/<id>-fast.json (names its teacher)")
    p.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"),
                   help="the data folder (see ../shared/data/README.md)")
    p.add_argument("--minutes", type=float, default=40.0, help="wall-clock budget, teacher sampling included")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many student steps (0 = no cap)")
    p.add_argument("--trajectories", type=int, default=0, help="override the config's teacher path count")
    p.add_argument("--resume", action="store_true", help="continue models/checkpoints/<id>.pt with a new lr schedule")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = all cores)")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = configs.load(args.config)
    if args.trajectories:
        cfg["distill"]["trajectories"] = args.trajectories
    distill(cfg, Path(args.data), args.minutes, args.max_steps, resume=args.resume)


if __name__ == "__main__":
    main()
