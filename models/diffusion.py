"""Rectified flow in the Handbook's unified notation, the denoiser wrapper that is exported, and
the reference samplers the TypeScript runtime is tested against (docs/MODEL-CONTRACT.md).

x_t = alpha(t) x0 + sigma(t) eps, alpha = 1 - t, sigma = t; the network predicts v = eps - x0.
"""
import math

import torch
import torch.nn as nn


def alpha(t):
    return 1.0 - t


def sigma(t):
    return t


def time_grid(steps: int):
    return [1.0 - i / steps for i in range(steps + 1)]


class Velocity:
    """"velocity" (images): the net predicts v = eps - x0, so x0 = x - t v; trained with MSE."""
    name = "velocity"

    def out_channels(self, channels, cfg):
        return channels

    def palette_shape(self, out, channels):
        """Shape of the palette buffer the denoiser carries, or None."""
        return None

    def to_x0(self, denoiser, out, x, t):
        return x - t.view(-1, 1, 1, 1) * out

    def loss(self, denoiser, out, x0, eps, unknown):
        weight = unknown.unsqueeze(1).expand_as(x0)
        return ((out - (eps - x0)) ** 2 * weight).sum() / weight.sum().clamp(min=1.0)

    def prepare(self, denoiser, x, cfg):
        return x


def _cell_cross_entropy(out, target, unknown):
    ce = nn.functional.cross_entropy(out, target, reduction="none")
    return (ce * unknown).sum() / unknown.sum().clamp(min=1.0)


class Categorical(Velocity):
    """"categorical" (one-hot tile grids): per-cell logits over the legend, trained with
    cross-entropy, and x0 = 2 softmax - 1 is the posterior mean E[x0 | x_t] the samplers need
    (Dieleman et al. 2022, CDCD): far better conditioned than regressing 13 one-hot channels with
    MSE, which left speckle in the first level model."""
    name = "categorical"

    def to_x0(self, denoiser, out, x, t):
        return 2 * torch.softmax(out, dim=1) - 1

    def loss(self, denoiser, out, x0, eps, unknown):
        return _cell_cross_entropy(out, x0.argmax(1), unknown)


class Palette(Velocity):
    """"palette" (sprites, tiles): the same idea for colours. The data is snapped to a palette
    learned from it (`palette` buffer, [K, C]; RGBA palettes have entry 0 transparent); the net
    gives per-pixel logits over the palette, trained with cross-entropy, and x0 = sum_k softmax_k
    colour_k is the posterior mean in colour space. Velocity MSE left monster interiors and tiles
    speckled; this asks the net which colour a pixel is, not what shade to average to."""
    name = "palette"

    def out_channels(self, channels, cfg):
        return cfg["palette"] + (1 if channels == 4 else 0)  # RGBA: one more, transparent entry

    def palette_shape(self, out, channels):
        return (out, channels)

    def to_x0(self, denoiser, out, x, t):  # a 1x1 conv is the colour lookup: [B, K, H, W] -> [B, C, H, W]
        return nn.functional.conv2d(torch.softmax(out, dim=1), denoiser.palette.t()[:, :, None, None])

    def loss(self, denoiser, out, x0, eps, unknown):
        return _cell_cross_entropy(out, palette_index(x0, denoiser.palette), unknown)

    def prepare(self, denoiser, x, cfg):
        """Learn the palette from the data on a fresh model (a resumed one keeps its own), then
        snap the data to it: the targets are palette entries."""
        from .data import learn_palette  # data imports nothing of ours; keep this module torch-only
        if not denoiser.palette.any():
            denoiser.palette.copy_(learn_palette(x, cfg["palette"]))
        return denoiser.palette[palette_index(x, denoiser.palette)].permute(0, 3, 1, 2).contiguous()


PARAMS = {p.name: p for p in (Velocity(), Categorical(), Palette())}


class Denoiser(nn.Module):
    """The one contract the runtime sees: (x, t, label, mask, known) -> x0. What the network
    outputs, how that becomes x0, its loss and its data preparation belong to one
    parameterisation object (`PARAMS`); nothing else switches on the name."""

    def __init__(self, net: nn.Module, param: str = "velocity", channels: int = 0):
        super().__init__()
        self.net = net
        self.param = param
        self.parameterisation = PARAMS[param]
        shape = self.parameterisation.palette_shape(net.out_ch, channels)
        if shape is not None:
            self.register_buffer("palette", torch.zeros(shape))

    @property
    def has_palette(self) -> bool:
        return hasattr(self, "palette")

    def forward(self, x, t, label, mask, known, attributes=None):
        return self.outputs(x, t, label, mask, known, attributes)[0]

    def outputs(self, x, t, label, mask, known, attributes=None):
        """(x0, the net's raw output): a palette model's graph exports both, since the runtime's
        last step draws each pixel from the logits (`draw_palette`)."""
        out = self.logits(x, t, label, mask, known, attributes)
        return self.parameterisation.to_x0(self, out, x, t), out

    def logits(self, x, t, label, mask, known, attributes=None):
        """The net's raw output alone (a palette model's logits), without the colour lookup."""
        return self.net(torch.cat([x, mask, known * mask], dim=1), t, label, attributes)


def sample_t(n: int, generator=None):
    """Logit-normal times (Esser et al. 2024): most weight on the middle of the path."""
    return torch.sigmoid(torch.randn(n, generator=generator))


def flow_loss(denoiser: Denoiser, x0, label, mask, attributes=None):
    """The parameterisation's loss, counted only where values are unknown: the known region is
    given, learning to copy it would waste capacity."""
    t = sample_t(x0.shape[0]).clamp(1e-4, 1.0)
    eps = torch.randn_like(x0)
    tb = t.view(-1, 1, 1, 1)
    xt = alpha(tb) * x0 + sigma(tb) * eps
    out = denoiser.net(torch.cat([xt, mask, x0 * mask], dim=1), t, label, attributes)
    return denoiser.parameterisation.loss(denoiser, out, x0, eps, 1.0 - mask[:, 0])


def palette_index(x, palette):
    """[B, C, H, W] colours -> [B, H, W] index of the nearest palette entry. cdist, not a
    broadcast difference: that would hold [B, H, W, K, C] (68 MB per training batch)."""
    b, c, h, w = x.shape
    return torch.cdist(x.permute(0, 2, 3, 1).reshape(-1, c), palette).argmin(1).reshape(b, h, w)


def random_masks(kind: str, n: int, h: int, w: int, generator=None):
    """Context masks (1 = known) so one network can sample, inpaint and outpaint. Levels mostly
    see a known left part (outpainting continues a level to the right); dungeon rooms often see a
    known two-cell wall ring (the assembler pins the walls and the doors its neighbours need)."""
    masks = torch.zeros(n, 1, h, w)
    r = torch.rand(n, generator=generator)
    for i in range(n):
        u = r[i].item()
        if kind == "dungeon":
            if u < 0.4:
                continue  # unconditional
            if u < 0.65:  # the wall ring given, the interior to fill
                masks[i] = 1
                masks[i, :, 2:h - 2, 2:w - 2] = 0
            elif u < 0.8:  # a rectangle to redo
                masks[i] = 1
                masks[i, :, _span(h, generator), _span(w, generator)] = 0
            elif u < 0.9:  # scattered pinned cells
                masks[i] = (torch.rand(1, h, w, generator=generator) < 0.1).float()
            else:  # keep a rectangle, redo the rest
                masks[i, :, _span(h, generator), _span(w, generator)] = 1
        elif kind == "level":
            if u < 0.2:
                continue  # unconditional
            if u < 0.65:  # left context of 4..w-4 columns
                k = int(torch.randint(4, w - 3, (1,), generator=generator))
                masks[i, :, :, :k] = 1
            elif u < 0.8:  # known on both sides, a gap to fill
                a = int(torch.randint(2, w // 2, (1,), generator=generator))
                b = int(torch.randint(a + 2, w - 1, (1,), generator=generator))
                masks[i] = 1
                masks[i, :, :, a:b] = 0
            elif u < 0.92:  # a rectangle to redo
                masks[i] = 1
                masks[i, :, _span(h, generator), _span(w, generator)] = 0
            else:  # scattered pinned cells
                masks[i] = (torch.rand(1, h, w, generator=generator) < 0.1).float()
        else:
            if u < 0.7:
                continue
            if u < 0.9:  # redo a rectangle
                masks[i] = 1
                masks[i, :, _span(h, generator), _span(w, generator)] = 0
            else:  # keep a rectangle, redo the rest
                masks[i, :, _span(h, generator), _span(w, generator)] = 1
    return masks


def _span(size, generator):
    a = int(torch.randint(0, size - 2, (1,), generator=generator))
    b = int(torch.randint(a + 2, size + 1, (1,), generator=generator))
    return slice(a, b)


# ---------------------------------------------------------------- reference samplers
# They mirror src/core/samplers.ts line for line; parity fixtures come from them.

def guided(denoiser, label, null_label, guidance, mask, known, attributes=None):
    """Guidance over the class and the attributes together: the null pass has neither (every
    attribute unknown, -1). `denoiser` is any callable with the Denoiser's signature (its
    `logits` too: guidance on logits tilts the class's distribution, p_null^(1-g) p_cond^g)."""
    def d(x, t):
        tt = torch.full((x.shape[0],), float(t))
        cond = denoiser(x, tt, label, mask, known, attributes)
        if guidance == 1.0:
            return cond
        unknown = None if attributes is None else torch.full_like(attributes, -1.0)
        null = denoiser(x, tt, torch.full_like(label, null_label), mask, known, unknown)
        return null + guidance * (cond - null)
    return d


def _keep_known(x, s, mask, known, noise0):
    if mask is None:
        return x
    return mask * (alpha(s) * known + sigma(s) * noise0) + (1 - mask) * x


def draw_palette(logits, palette, temperature, uniforms):
    """The last step of a palette model (docs/MODEL-CONTRACT.md, "Palette draw"): each pixel's
    palette entry drawn from softmax(logits / temperature) by inverse CDF on `uniforms` [B, H, W].
    The posterior mean the graph returns is the right x0 for the ODE's steps but the wrong
    output: at the last step the net still hesitates between neighbouring shades, and their mean
    is a flat field where the art has texture (tile speckle 0.05 vs the real 0.21)."""
    p = torch.softmax(logits.double() / temperature, dim=1)
    idx = (p.cumsum(1) <= uniforms[:, None].double()).sum(1).clamp(max=p.shape[1] - 1)
    colours = ((palette.clamp(-1, 1) + 1) * 127.5).round() / 127.5 - 1  # the manifest's RGBA8 palette, as the runtime reads it
    return colours[idx].permute(0, 3, 1, 2).contiguous()


def _final_x0(d, x, t, last, draw):
    """x0 for a step; the last one of a sampler given `draw` = (logits fn, palette, temperature,
    uniforms) draws it, and since sigma(0) = 0 that draw is the sample."""
    if last and draw is not None:
        logits, palette, temperature, uniforms = draw
        return draw_palette(logits(x, t), palette, temperature, uniforms)
    return d(x, t)


@torch.no_grad()
def sample_ddim(d, noise0, steps, eta=0.0, step_noise=None, mask=None, known=None, draw=None):
    """DDIM (Song et al. 2021) for alpha = 1 - t, sigma = t; eta = 0 is the flow ODE's Euler step."""
    ts = time_grid(steps)
    x = _keep_known(noise0.clone(), 1.0, mask, known, noise0)
    for i in range(steps):
        t, s = ts[i], ts[i + 1]
        x0 = _final_x0(d, x, t, i == steps - 1, draw)
        eps = (x - alpha(t) * x0) / sigma(t)
        c = eta * (sigma(s) / sigma(t)) * math.sqrt(max(0.0, sigma(t) ** 2 - (alpha(t) / alpha(s)) ** 2 * sigma(s) ** 2))
        x = alpha(s) * x0 + math.sqrt(max(0.0, sigma(s) ** 2 - c ** 2)) * eps
        if c > 0:
            x = x + c * step_noise[i]
        x = _keep_known(x, s, mask, known, noise0)
    return x


@torch.no_grad()
def sample_dpmpp_2m(d, noise0, steps, mask=None, known=None, draw=None):
    """DPM-Solver++(2M) (Lu et al. 2022), data prediction, multistep."""
    ts = time_grid(steps)
    lam = lambda t: math.log(alpha(t) / sigma(t))
    x = _keep_known(noise0.clone(), 1.0, mask, known, noise0)
    x0_prev, t_prev = None, None
    for i in range(steps):
        t, s = ts[i], ts[i + 1]
        x0 = _final_x0(d, x, t, i == steps - 1, draw)
        dhat = x0
        if x0_prev is not None and alpha(t_prev) > 0 and sigma(s) > 0:
            r = (lam(t) - lam(t_prev)) / (lam(s) - lam(t))
            dhat = (1 + 1 / (2 * r)) * x0 - (1 / (2 * r)) * x0_prev
        r_h = alpha(t) * sigma(s) / (sigma(t) * alpha(s))
        x = (sigma(s) / sigma(t)) * x - alpha(s) * (r_h - 1) * dhat
        x = _keep_known(x, s, mask, known, noise0)
        x0_prev, t_prev = x0, t
    return x
