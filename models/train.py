"""Train one model from a JSON config, within a wall-clock budget, resumable.

    python3 -m models.train --config models/configs/sprite.json --data ../shared/data --minutes 40
    python3 -m models.train --config models/configs/sprite.json --data ../shared/data --resume

The checkpoint (models/checkpoints/<id>.pt) holds only the EMA weights in fp16 plus counters, so
one file of a few MB is enough to continue on any machine; on resume the live weights restart from
the EMA weights and Adam re-warms (a deliberate trade for a small, committable file).
"""
import argparse
import copy
import math
import os
import platform
import time
from pathlib import Path

import torch

from . import attributes, configs, data, nets
from .diffusion import flow_loss, random_masks

HERE = Path(__file__).resolve().parent


def checkpoint_path(cfg, folder: Path = HERE / "checkpoints") -> Path:
    return folder / f"{cfg['id']}.pt"


def machine() -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU, {os.cpu_count()} cores ({platform.machine()})"


def load_checkpoint(cfg, model, folder: Path = HERE / "checkpoints"):
    ckpt = torch.load(checkpoint_path(cfg, folder), map_location="cpu")
    model.load_state_dict({k: v.float() for k, v in ckpt["ema"].items()})
    return ckpt


def warm_start(model, weights) -> list:
    """Load every tensor whose name and shape still fit; returns the names left fresh."""
    own = model.state_dict()
    usable = {k: v.float() for k, v in weights.items() if k in own and own[k].shape == v.shape}
    model.load_state_dict(usable, strict=False)
    return sorted(set(own) - set(usable))


def save_checkpoint(cfg, ema, state, folder: Path = HERE / "checkpoints"):
    path = checkpoint_path(cfg, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"ema": {k: v.half() for k, v in ema.state_dict().items()}, "config": cfg, **state}, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint


def lr_at(cfg, step):
    """Warm-up, then cosine decay to 10% at cfg["steps"]; `step` counts from the run's start (a
    warm start begins a new schedule: see resume_state)."""
    warm = 200
    if step < warm:
        return cfg["lr"] * (step + 1) / warm
    p = min(1.0, (step - warm) / max(1, cfg["steps"] - warm))
    return cfg["lr"] * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


def augment(cfg, x, labels, roll_ids):
    for key, dim in (("hflip", -1), ("vflip", -2)):
        if cfg["augment"].get(key):
            flip = torch.rand(x.shape[0]) < 0.5
            x[flip] = x[flip].flip(dim)
    if len(roll_ids):
        # Toroidal shifts of tiles that repeat seamlessly teach the net that no edge is special.
        for i in torch.nonzero(torch.isin(labels, roll_ids)).flatten().tolist():
            dy, dx = torch.randint(0, x.shape[-1], (2,)).tolist()
            x[i] = x[i].roll((dy, dx), dims=(-2, -1))
    return x


def prepare_data(cfg, root: Path, model):
    """The training set as the parameterisation wants it, with per-item sampling weights (weight
    count^-class_balance: the default 0.5 makes a class's probability ~ sqrt(count), so rare classes
    are seen more; 1 draws every class equally often) and the classes that may roll."""
    x, labels, info = data.load(data.dataset(cfg), root, cfg.get("window", 32))
    names = data.class_names(data.dataset(cfg))
    counts = torch.bincount(labels, minlength=len(names)).float()
    roll_ids = torch.tensor([names.index(c) for c in cfg["augment"].get("roll_classes", [])], dtype=torch.long)
    attrs = None
    if cfg.get("attributes"):  # levels: the attribute labels of every window, normalised by their quantiles
        attrs, qs = attributes.window_labels(x.argmax(1).numpy(), cfg["attributes"])
        attrs = torch.from_numpy(attrs)
        info = {**info, "attributes": attributes.manifest_entry(cfg["attributes"], qs)}
    x = model.parameterisation.prepare(model, x, cfg)
    return x, labels, counts[labels] ** -cfg.get("class_balance", 0.5), roll_ids, info, attrs


def resume_state(cfg, model, folder: Path, reset_ema: bool) -> dict:
    """Counters of the checkpoint in `folder` (weights loaded into `model`), or fresh ones. A
    checkpoint of another parameterisation, or one without some of this net's layers (e.g. the
    attribute MLP), is a warm start: every weight whose shape fits, and a new lr schedule."""
    state = {"step": 0, "seconds": 0.0, "machines": [], "ema_from": 0, "schedule_from": 0}
    if not checkpoint_path(cfg, folder).exists():
        return state
    ckpt = torch.load(checkpoint_path(cfg, folder), map_location="cpu")
    state.update({k: ckpt[k] for k in ("step", "seconds", "machines", "ema_from", "schedule_from") if k in ckpt})
    same_param = ckpt.get("config", {}).get("param", "velocity") == cfg.get("param", "velocity")
    if same_param and set(ckpt["ema"]) == set(model.state_dict()):
        model.load_state_dict({k: v.float() for k, v in ckpt["ema"].items()})
        print(f"resumed {cfg['id']} at step {state['step']}", flush=True)
    else:
        fresh = warm_start(model, ckpt["ema"])
        print(f"warm start of {cfg['id']} from step {state['step']} of "
              f"{'another net' if same_param else 'another param'}; fresh: {', '.join(fresh)}", flush=True)
        reset_ema = True
        state["schedule_from"] = state["step"]
    # After a warm start the old weights mean something else: an EMA still averaging in
    # thousands of old steps would be garbage for a long while, so it warms up anew.
    if reset_ema:
        state["ema_from"] = state["step"]
        print(f"EMA warm-up restarts at step {state['step']}", flush=True)
    return state


def drop_attributes(cfg, a, null):
    """Attribute dropout (unknown = -1): each attribute alone with p = attribute_dropout, so a
    request may name any subset; all of them with p = attribute_dropout_all and wherever the class
    was dropped, so the null pass of guidance (no class, no attributes) is trained."""
    n, k = a.shape
    drop = torch.rand(n, k) < cfg.get("attribute_dropout", 0.5)
    drop |= ((torch.rand(n) < cfg.get("attribute_dropout_all", 0.15)) | null)[:, None]
    a[drop] = -1.0
    return a


def train_step(cfg, model, ema, opt, batch, state, device) -> float:
    """One optimiser step on a sampled, augmented, label-dropped, masked batch; EMA update."""
    x, labels, weights, roll_ids, null, attrs = batch
    n = cfg["batch"] * (4 if device == "cuda" else 1)
    idx = torch.multinomial(weights, n, replacement=True)
    lb = labels[idx].clone()
    xb = augment(cfg, x[idx].clone(), lb, roll_ids)
    lb[torch.rand(n) < cfg["label_dropout"]] = null
    ab = None if attrs is None else drop_attributes(cfg, attrs[idx].clone(), lb == null)
    _, h, w = nets.layout(cfg)
    mask = random_masks(data.dataset(cfg), n, h, w)
    for g in opt.param_groups:
        g["lr"] = lr_at(cfg, state["step"] - state["schedule_from"]) * g["scale"]
    loss = flow_loss(model, xb.to(device), lb.to(device), mask.to(device), None if ab is None else ab.to(device))
    return optimise(cfg, model, ema, opt, loss, state)


def optimise(cfg, model, ema, opt, loss, state) -> float:
    """Backward, clip, AdamW step, then the EMA (warming up from state["ema_from"]); counts the step."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    k = state["step"] - state["ema_from"]
    decay = min(cfg["ema"], (1 + k) / (10 + k))
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.lerp_(pm, 1 - decay)
    state["step"] += 1
    return loss.item()


def param_groups(cfg, model):
    """AdamW groups: the attribute MLP may learn faster (`attribute_lr_scale`), since a model
    warm-started without it must grow that signal from zero within a short fine-tune."""
    attr = [p for n, p in model.named_parameters() if ".attr_mlp." in f".{n}"]
    rest = [p for n, p in model.named_parameters() if ".attr_mlp." not in f".{n}"]
    groups = [{"params": rest, "scale": 1.0}]
    if attr:
        groups.append({"params": attr, "scale": cfg.get("attribute_lr_scale", 1.0)})
    return groups


def train(cfg, root: Path, minutes: float, resume: bool, device: str, max_steps: int = 0,
          folder: Path = HERE / "checkpoints", reset_ema: bool = False, new_schedule: bool = False):
    torch.manual_seed(int(time.time()) if resume else 0)
    model = nets.build(cfg).to(device)
    state = resume_state(cfg, model, folder, reset_ema) if resume else \
        {"step": 0, "seconds": 0.0, "machines": [], "ema_from": 0, "schedule_from": 0}
    if new_schedule:
        state["schedule_from"] = state["step"]
        print(f"lr schedule restarts at step {state['step']}", flush=True)
    x, labels, weights, roll_ids, state["data"], attrs = prepare_data(cfg, root, model)
    batch = (x, labels, weights, roll_ids, len(data.class_names(data.dataset(cfg))), attrs)
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(param_groups(cfg, model), lr=cfg["lr"], weight_decay=0.0)
    if machine() not in state["machines"]:
        state["machines"].append(machine())

    start, last_save, losses = time.time(), time.time(), []
    while time.time() - start < minutes * 60 and not (max_steps and state["step"] >= max_steps):
        losses.append(train_step(cfg, model, ema, opt, batch, state, device))
        if state["step"] % 50 == 0:
            print(f"step {state['step']} loss {sum(losses) / len(losses):.4f} "
                  f"lr {lr_at(cfg, state['step'] - state['schedule_from']):.2e} {(time.time() - start) / 60:.1f} min", flush=True)
            losses = []
        if time.time() - last_save > 300:
            save_checkpoint(cfg, ema, {**state, "seconds": state["seconds"] + time.time() - start}, folder)
            last_save = time.time()
    state["seconds"] += time.time() - start
    save_checkpoint(cfg, ema, state, folder)
    print(f"saved {checkpoint_path(cfg, folder)} at step {state['step']} "
          f"({state['seconds'] / 60:.1f} min trained in all)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True, help="models/configs/<id>.json")
    p.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"),
                   help="the data folder (see ../shared/data/README.md)")
    p.add_argument("--minutes", type=float, default=100.0, help="wall-clock budget for this run")
    p.add_argument("--resume", action="store_true", help="continue from models/checkpoints/<id>.pt")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0 = no cap)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = all cores)")
    p.add_argument("--checkpoints", default=str(HERE / "checkpoints"),
                   help="folder of <id>.pt to resume from and save to (default models/checkpoints)")
    p.add_argument("--new-schedule", action="store_true",
                   help="on resume, start the lr schedule (warm-up, cosine over the config's steps) anew: a second fine-tune")
    p.add_argument("--reset-ema", action="store_true",
                   help="restart the EMA warm-up on resume (automatic when the config's param changed)")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = configs.load(args.config)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train(cfg, Path(args.data), args.minutes, args.resume, device, args.max_steps,
          folder=Path(args.checkpoints), reset_ema=args.reset_ema, new_schedule=args.new_schedule)


if __name__ == "__main__":
    main()
