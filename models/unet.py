"""A small conv UNet (lucidrains / DDPM style) for 32x32 sprites and tiles and 14xW level windows.

Options that matter here: `circular` pads every conv around a torus so tiles come out seamless
(written as explicit wrap padding: torch 1.13 exports `padding_mode="circular"` to ONNX wrongly);
`patch` folds p x p pixels into channels (space-to-depth) so each step is ~p^2 cheaper on CPU.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = (t.float() * 1000.0)[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class WrapConv2d(nn.Conv2d):
    """A conv padded around a torus. Same weights and maths as padding_mode="circular", but the
    wrap is two concats, because torch 1.13's ONNX export of circular padding computes something
    else (max |diff| ~1 on the tile model; repro in bench/)."""

    def __init__(self, cin, cout, k, stride=1):
        super().__init__(cin, cout, k, stride=stride, padding=0)
        self.wrap = k // 2

    def forward(self, x):
        p = self.wrap
        x = torch.cat([x[..., -p:, :], x, x[..., :p, :]], dim=-2)
        x = torch.cat([x[..., -p:], x, x[..., :p]], dim=-1)
        return super().forward(x)


def conv(cin, cout, k=3, stride=1, circular=False):
    if circular and k > 1:
        return WrapConv2d(cin, cout, k, stride)
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb_dim, circular, dropout=0.0):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = conv(cin, cout, circular=circular)
        self.emb = nn.Linear(emb_dim, 2 * cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.drop = nn.Dropout(dropout)
        self.conv2 = conv(cout, cout, circular=circular)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(F.silu(emb))[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(self.drop(F.silu(h)))
        return h + self.skip(x)


class Attention(nn.Module):
    """Self-attention over all positions; written with matmul/softmax so it exports to any opset."""

    def __init__(self, ch, heads=4):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(8, ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = nn.Conv2d(ch, ch, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, self.heads, c // self.heads, h * w).unbind(1)
        att = torch.softmax(q.transpose(-1, -2) @ k / math.sqrt(c // self.heads), dim=-1)
        out = (v @ att.transpose(-1, -2)).reshape(b, c, h, w)
        return x + self.proj(out)


class UNet(nn.Module):
    def __init__(self, in_ch, out_ch, base=64, mults=(1, 2, 2), blocks=2, attn=(False, True, True),
                 num_classes=1, circular=False, patch=1, dropout=0.0, attributes=0):
        super().__init__()
        self.patch = patch
        self.out_ch = out_ch
        self.multiple = patch * 2 ** (len(mults) - 1)
        emb_dim = 4 * base
        self.time_mlp = nn.Sequential(nn.Linear(base, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.class_emb = nn.Embedding(num_classes + 1, emb_dim)  # last index = no class (CFG)
        self.attributes = attributes
        if attributes:
            # Attribute conditioning (levels): each value in [0, 1] or < 0 for "unknown", fed as
            # (value, known) pairs; the last layer starts at zero, so a model warm-started from
            # one without attributes computes exactly what it did, and all-unknown gets its own
            # learned offset (the "no attributes" of guidance).
            self.attr_mlp = nn.Sequential(nn.Linear(2 * attributes, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
            nn.init.zeros_(self.attr_mlp[2].weight)
            nn.init.zeros_(self.attr_mlp[2].bias)
        self.base = base
        self.inp = conv(in_ch * patch * patch, base, circular=circular)
        chans = [base * m for m in mults]
        self.down, skips, ch = nn.ModuleList(), [base], base
        for i, c in enumerate(chans):
            for _ in range(blocks):
                self.down.append(nn.ModuleList([ResBlock(ch, c, emb_dim, circular, dropout),
                                                Attention(c) if attn[i] else nn.Identity()]))
                ch = c
                skips.append(ch)
            if i < len(chans) - 1:
                self.down.append(conv(ch, ch, stride=2, circular=circular))
                skips.append(ch)
        self.mid1 = ResBlock(ch, ch, emb_dim, circular, dropout)
        self.mid_attn = Attention(ch)
        self.mid2 = ResBlock(ch, ch, emb_dim, circular, dropout)
        self.up = nn.ModuleList()
        for i, c in reversed(list(enumerate(chans))):
            for _ in range(blocks + 1):
                self.up.append(nn.ModuleList([ResBlock(ch + skips.pop(), c, emb_dim, circular, dropout),
                                              Attention(c) if attn[i] else nn.Identity()]))
                ch = c
            if i > 0:
                self.up.append(conv(ch, ch, circular=circular))
        self.out_norm = nn.GroupNorm(8, ch)
        self.out = conv(ch, out_ch * patch * patch, circular=circular)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, t, label, attributes=None):
        h0, w0 = x.shape[-2:]
        x = F.pad(x, (0, (-w0) % self.multiple, 0, (-h0) % self.multiple))  # 14 rows -> 16
        if self.patch > 1:
            x = F.pixel_unshuffle(x, self.patch)
        emb = self.time_mlp(timestep_embedding(t, self.base)) + self.class_emb(label)
        if self.attributes:
            if attributes is None:
                attributes = torch.full((x.shape[0], self.attributes), -1.0)
            known = (attributes >= 0).float()
            emb = emb + self.attr_mlp(torch.cat([attributes.clamp(min=0) * known, known], dim=1))
        h = self.inp(x)
        hs = [h]
        for layer in self.down:
            if isinstance(layer, nn.Conv2d):
                h = layer(h)
            else:
                h = layer[1](layer[0](h, emb))
            hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb)), emb)
        for layer in self.up:
            if isinstance(layer, nn.Conv2d):
                h = layer(F.interpolate(h, scale_factor=2.0, mode="nearest"))
            else:
                h = layer[1](layer[0](torch.cat([h, hs.pop()], dim=1), emb))
        h = self.out(F.silu(self.out_norm(h)))
        if self.patch > 1:
            h = F.pixel_shuffle(h, self.patch)
        return h[..., :h0, :w0]
