"""The denoiser: a small time-conditioned UNet for 32x32 RGB, epsilon prediction.

Kept deliberately plain (conv, GroupNorm, SiLU, one self-attention at 8x8) so
that the ONNX graph uses only ops every onnxruntime execution provider runs,
and small enough that 20 calls at batch 1 fit in ~200 ms on two CPU cores.
"""

import math

import torch
from torch import nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """Sinusoidal embedding of a float timestep in [0, 1000): [B] -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


def norm(channels):
    return nn.GroupNorm(8, channels)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb_dim, dropout=0.0):
        super().__init__()
        self.norm1 = norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb_dim, cout)
        self.norm2 = norm(cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        # Zero-init the last conv: every block starts as the identity, which
        # makes short training runs converge noticeably faster.
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(temb)[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        return self.skip(x) + h


class Attention(nn.Module):
    """Single-head self-attention over the 8x8 positions."""

    def __init__(self, channels):
        super().__init__()
        self.norm = norm(channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.proj = nn.Conv2d(channels, channels, 1)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        attn = torch.softmax(torch.bmm(q.transpose(1, 2), k) * (c ** -0.5), dim=-1)  # [b, hw, hw]
        out = torch.bmm(v, attn.transpose(1, 2)).reshape(b, c, h, w)
        return x + self.proj(out)


class UNet(nn.Module):
    def __init__(self, ch=32, mults=(1, 2, 2), blocks=1, attn_mid=True, dropout=0.0):
        super().__init__()
        self.ch = ch
        temb_dim = ch * 4
        self.temb_mlp = nn.Sequential(nn.Linear(ch, temb_dim), nn.SiLU(), nn.Linear(temb_dim, temb_dim))
        self.conv_in = nn.Conv2d(3, ch, 3, padding=1)

        self.down = nn.ModuleList()
        skips = [ch]
        cur = ch
        for level, m in enumerate(mults):
            for _ in range(blocks):
                self.down.append(ResBlock(cur, ch * m, temb_dim, dropout))
                cur = ch * m
                skips.append(cur)
            if level < len(mults) - 1:
                self.down.append(nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                skips.append(cur)

        self.mid1 = ResBlock(cur, cur, temb_dim, dropout)
        self.mid_attn = Attention(cur) if attn_mid else nn.Identity()
        self.mid2 = ResBlock(cur, cur, temb_dim, dropout)

        self.up = nn.ModuleList()
        for level, m in reversed(list(enumerate(mults))):
            for _ in range(blocks + 1):
                self.up.append(ResBlock(cur + skips.pop(), ch * m, temb_dim, dropout))
                cur = ch * m
            if level > 0:
                self.up.append(nn.Upsample(scale_factor=2, mode="nearest"))
                self.up.append(nn.Conv2d(cur, cur, 3, padding=1))

        self.norm_out = norm(cur)
        self.conv_out = nn.Conv2d(cur, 3, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample, timestep):
        temb = self.temb_mlp(timestep_embedding(timestep, self.ch))
        h = self.conv_in(sample)
        hs = [h]
        for layer in self.down:
            h = layer(h, temb) if isinstance(layer, ResBlock) else layer(h)
            hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, temb)), temb)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                h = layer(torch.cat([h, hs.pop()], dim=1), temb)
            else:
                h = layer(h)
        return self.conv_out(F.silu(self.norm_out(h)))


def count_params(model):
    return sum(p.numel() for p in model.parameters())
