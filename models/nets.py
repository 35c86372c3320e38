"""Build the network for a config; the one place that knows how kinds map to tensor layouts."""
from . import data
from .diffusion import PARAMS, Denoiser
from .unet import UNet

SIZES = {"sprite": (4, 32, 32), "tile": (3, 32, 32)}


def layout(cfg):
    if "layout" in cfg:  # fixtures use smaller tensors than the real models
        return tuple(cfg["layout"])
    if data.dataset(cfg) == "dungeon":
        return len(data.ZELDA_LEGEND), data.ROOM_ROWS, data.ROOM_COLS
    if cfg["kind"] == "level":
        return len(data.SMB_LEGEND), data.LEVEL_ROWS, cfg["window"]
    return SIZES[cfg["kind"]]


def build(cfg) -> Denoiser:
    c = layout(cfg)[0]
    n = cfg["net"]
    param = cfg.get("param", "velocity")
    out = PARAMS[param].out_channels(c, cfg)
    net = UNet(in_ch=2 * c + 1, out_ch=out, base=n["base"], mults=tuple(n["mults"]),
               blocks=n["blocks"], attn=tuple(n["attn"]), patch=n["patch"],
               circular=n["circular"], num_classes=len(data.class_names(data.dataset(cfg))),
               dropout=n.get("dropout", 0.0), attributes=len(cfg.get("attributes", [])))
    return Denoiser(net, param, c)
