"""Procedural landscape renderer: the whole training set of tiny-landscapes-32.

Every image is a pure function of one integer seed, so the data set is rebuilt
bit-for-bit from the seed range written in the model card. Scenes are drawn at
4x the target size and box-filtered down, which is the anti-aliasing.

Nothing here comes from a photo or someone else's art: sky gradients, sun/moon,
stars, clouds, mountain ridges, hills, trees and lake reflections are all
drawn from random parameters, with palettes chosen so that brightness,
saturation and JPEG size differ visibly between scenes (dusk vs noon, night vs
snow, busy forest vs calm lake). That spread is what the alignment rewards
later push along.
"""

import numpy as np

SUPERSAMPLE = 4

# Sky palettes: (top colour, horizon colour) in linear-ish 0..1 sRGB, plus the
# colour of sunlight/haze and how dark the land is under that light.
SKIES = {
    "noon": ((0.16, 0.36, 0.78), (0.62, 0.80, 0.95), (1.00, 0.97, 0.80), 1.00),
    "clear": ((0.05, 0.45, 0.85), (0.70, 0.88, 1.00), (1.00, 1.00, 0.90), 1.00),
    "dusk": ((0.18, 0.12, 0.38), (0.98, 0.52, 0.22), (1.00, 0.62, 0.25), 0.55),
    "sunset": ((0.35, 0.18, 0.45), (1.00, 0.72, 0.35), (1.00, 0.55, 0.20), 0.65),
    "dawn": ((0.30, 0.45, 0.70), (0.98, 0.75, 0.70), (1.00, 0.85, 0.75), 0.80),
    "night": ((0.01, 0.02, 0.08), (0.08, 0.12, 0.28), (0.85, 0.88, 1.00), 0.25),
    "overcast": ((0.48, 0.50, 0.55), (0.75, 0.76, 0.78), (0.95, 0.95, 0.95), 0.75),
    "teal": ((0.05, 0.30, 0.40), (0.60, 0.90, 0.85), (1.00, 0.95, 0.75), 0.90),
}
SKY_WEIGHTS = {"noon": 3, "clear": 2, "dusk": 2, "sunset": 2, "dawn": 1.5,
               "night": 2, "overcast": 1, "teal": 1}

# Land palettes: colours from far ridge to near ground.
LANDS = {
    "summer": ((0.35, 0.55, 0.40), (0.20, 0.55, 0.20), (0.12, 0.42, 0.12), (0.08, 0.30, 0.08)),
    "spring": ((0.45, 0.60, 0.55), (0.45, 0.72, 0.30), (0.30, 0.62, 0.20), (0.20, 0.50, 0.15)),
    "autumn": ((0.45, 0.40, 0.45), (0.75, 0.45, 0.15), (0.65, 0.28, 0.08), (0.45, 0.20, 0.06)),
    "winter": ((0.70, 0.74, 0.82), (0.88, 0.90, 0.95), (0.80, 0.84, 0.90), (0.95, 0.96, 0.98)),
    "desert": ((0.70, 0.50, 0.40), (0.85, 0.62, 0.35), (0.80, 0.55, 0.30), (0.70, 0.45, 0.25)),
    "rocky": ((0.40, 0.40, 0.48), (0.45, 0.42, 0.40), (0.35, 0.33, 0.32), (0.25, 0.30, 0.18)),
    "lush": ((0.25, 0.45, 0.45), (0.10, 0.60, 0.35), (0.05, 0.48, 0.25), (0.02, 0.35, 0.15)),
}
LAND_WEIGHTS = {"summer": 3, "spring": 2, "autumn": 2, "winter": 1.5, "desert": 1,
                "rocky": 1, "lush": 1.5}


def _pick(rng, weights):
    names = list(weights)
    p = np.array([weights[n] for n in names], dtype=np.float64)
    return names[rng.choice(len(names), p=p / p.sum())]


def _jitter(rng, colour, amount):
    c = np.asarray(colour, dtype=np.float32) + rng.normal(0.0, amount, 3).astype(np.float32)
    return np.clip(c, 0.0, 1.0)


def _mix(a, b, t):
    return a + (b - a) * t


def _paint(img, mask, colour):
    """Alpha-composite a flat colour (or per-pixel colour image) through a 0..1 mask."""
    m = mask[..., None]
    img *= 1.0 - m
    img += m * colour


def _ridge(rng, width, base, amplitude, roughness, octaves=5):
    """A 1-D ridge line (row index per column): a few random sine octaves."""
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)
    y = np.zeros(width, dtype=np.float32)
    freq, amp = rng.uniform(0.8, 2.0), 1.0
    for _ in range(octaves):
        y += amp * np.sin(2 * np.pi * (freq * x + rng.uniform(0, 1)))
        freq *= rng.uniform(1.8, 2.3)
        amp *= roughness
    y /= np.abs(y).max() + 1e-6
    return base - amplitude * y


def render(seed, size=32):
    """One scene as float32 [size, size, 3] in 0..1."""
    rng = np.random.default_rng(seed)
    n = size * SUPERSAMPLE
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    img = np.zeros((n, n, 3), dtype=np.float32)

    sky_name = _pick(rng, SKY_WEIGHTS)
    top, horizon, light, land_light = SKIES[sky_name]
    top = _jitter(rng, top, 0.05)
    horizon = _jitter(rng, horizon, 0.05)
    light = _jitter(rng, light, 0.03)
    night = sky_name == "night"

    # Where the land meets the sky on average; the water line sits below it.
    horizon_y = rng.uniform(0.45, 0.70) * n
    t = np.clip(yy / horizon_y, 0.0, 1.0) ** rng.uniform(0.7, 1.6)
    img[:] = _mix(top, horizon, t[..., None])

    if night or (sky_name in ("dusk",) and rng.random() < 0.5):
        count = rng.integers(10, 60)
        sx = rng.uniform(0, n, count)
        sy = rng.uniform(0, horizon_y * 0.9, count)
        bright = rng.uniform(0.4, 1.0, count)
        for x0, y0, b in zip(sx, sy, bright):
            d2 = (xx - x0) ** 2 + (yy - y0) ** 2
            _paint(img, np.exp(-d2 / 1.5) * b, np.float32([1.0, 1.0, 0.95]))

    # Sun or moon, with a glow that tints the sky around it.
    if rng.random() < 0.8 and sky_name != "overcast":
        cx = rng.uniform(0.1, 0.9) * n
        cy = rng.uniform(0.10, 0.85) * horizon_y
        radius = rng.uniform(0.05, 0.10) * n
        d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
        glow = np.exp(-(d / (radius * rng.uniform(2.5, 5.0))) ** 2) * rng.uniform(0.3, 0.7)
        _paint(img, glow, light)
        disc = np.clip(radius - d + 0.5 * SUPERSAMPLE, 0.0, 1.0)
        if night:
            body = _jitter(rng, (0.95, 0.95, 0.85), 0.03)
            if rng.random() < 0.5:  # crescent: cut the disc with a shifted sky-coloured disc
                ox = rng.choice([-1, 1]) * radius * rng.uniform(0.4, 0.8)
                d2 = np.sqrt((xx - cx - ox) ** 2 + (yy - cy + radius * 0.2) ** 2)
                disc = disc * (1.0 - np.clip(radius - d2, 0.0, 1.0))
        else:
            body = np.clip(light * 1.05 + 0.05, 0, 1)
        _paint(img, disc, body)

    # Clouds: clusters of soft ellipses, lit by the sky's light.
    cloud_count = rng.integers(0, 5) if sky_name != "overcast" else rng.integers(3, 8)
    cloud_colour = _mix(horizon, np.float32([1, 1, 1]), 0.6) * (0.35 if night else 1.0)
    if sky_name in ("dusk", "sunset"):
        cloud_colour = _mix(cloud_colour, _jitter(rng, (1.0, 0.55, 0.60), 0.05), 0.5)
    for _ in range(cloud_count):
        cx, cy = rng.uniform(-0.1, 1.1) * n, rng.uniform(0.05, 0.8) * horizon_y
        w, h = rng.uniform(0.10, 0.25) * n, rng.uniform(0.03, 0.07) * n
        mask = np.zeros((n, n), dtype=np.float32)
        for _ in range(rng.integers(3, 7)):
            px, py = cx + rng.uniform(-w, w), cy + rng.uniform(-h, h * 0.5)
            rx, ry = w * rng.uniform(0.35, 0.7), h * rng.uniform(0.7, 1.3)
            e = ((xx - px) / rx) ** 2 + ((yy - py) / ry) ** 2
            mask = np.maximum(mask, np.clip((1.0 - e) * 3.0, 0.0, 1.0))
        shade = _mix(cloud_colour, cloud_colour * 0.75, np.clip((yy - cy) / (2 * h) + 0.5, 0, 1)[..., None])
        _paint(img, mask * rng.uniform(0.6, 0.95), shade)

    # Land: 1-3 ridges from far (hazy, pale) to near (dark, saturated).
    land_name = _pick(rng, LAND_WEIGHTS)
    if night and land_name == "desert" and rng.random() < 0.5:
        land_name = "rocky"
    palette = [_jitter(rng, c, 0.04) for c in LANDS[land_name]]
    haze = _mix(horizon, light, 0.3)
    water = rng.random() < 0.45
    water_y = horizon_y + rng.uniform(0.12, 0.25) * n if water else n + 1

    layers = rng.integers(2, 5)
    last_ridge = None
    for i in range(layers):
        depth = i / max(layers - 1, 1)  # 0 = farthest
        mountain = i == 0 and rng.random() < 0.6
        base = horizon_y + depth * rng.uniform(0.05, 0.18) * n
        amplitude = (rng.uniform(0.12, 0.25) if mountain else rng.uniform(0.03, 0.08)) * n
        roughness = rng.uniform(0.45, 0.6) if mountain else rng.uniform(0.25, 0.4)
        ridge = _ridge(rng, n, base, amplitude, roughness)
        colour = palette[min(i, 3)] if i < layers - 1 else palette[3]
        colour = _mix(colour, haze, (1.0 - depth) * rng.uniform(0.3, 0.6)) * land_light
        mask = np.clip(yy - ridge[None, :] + 0.5, 0.0, 1.0)
        # Light falls from above: each layer darkens a little downwards.
        shade = 1.0 - 0.25 * np.clip((yy - ridge[None, :]) / (0.3 * n), 0, 1)
        _paint(img, mask, colour[None, None, :] * shade[..., None])
        if mountain and land_name != "desert" and rng.random() < 0.6:
            snow_line = ridge.min() + amplitude * rng.uniform(0.4, 0.8)
            snow = mask * np.clip(snow_line - yy, 0.0, 1.0) * np.clip((yy - ridge[None, :]) * 0.5, 0, 1)
            _paint(img, snow, np.float32([0.95, 0.95, 1.0]) * land_light)
        last_ridge = ridge

    # Trees on the nearest ridge: conifers (triangles) or broadleaf (round crowns).
    if rng.random() < 0.65 and land_name != "desert":
        conifer = rng.random() < 0.55
        trunk_colour = np.float32([0.25, 0.16, 0.08]) * land_light
        tree_colour = _mix(palette[3], np.float32([0.02, 0.15, 0.05]), 0.6) * land_light
        if land_name == "autumn" and not conifer:
            tree_colour = _jitter(rng, (0.80, 0.35, 0.05), 0.05) * land_light
        if land_name == "winter":
            tree_colour = np.float32([0.10, 0.25, 0.18]) * land_light
        count = rng.integers(1, 9)
        for x0 in np.sort(rng.uniform(0, n, count)):
            ground = last_ridge[int(np.clip(x0, 0, n - 1))] + rng.uniform(0.02, 0.10) * n
            if ground > water_y - 2:
                continue
            height = rng.uniform(0.12, 0.28) * n
            half = height * rng.uniform(0.22, 0.35)
            trunk = ((np.abs(xx - x0) < max(height * 0.05, 1.5)) & (yy <= ground) & (yy > ground - height * 0.3))
            _paint(img, trunk.astype(np.float32), trunk_colour)
            if conifer:
                top_y = ground - height
                frac = np.clip((yy - top_y) / (height * 0.85), 0.0, 1.0)
                inside = (half * frac - np.abs(xx - x0)) + 0.5
                crown = np.clip(inside, 0, 1) * (yy >= top_y) * (yy <= ground - height * 0.12)
            else:
                cy = ground - height * 0.62
                r = half * 1.3
                crown = np.clip(r - np.sqrt((xx - x0) ** 2 + ((yy - cy) * 1.1) ** 2) + 0.5, 0, 1)
            shade = 1.0 + 0.25 * np.clip((x0 - xx) / (half + 1e-3), -1, 1)[..., None]
            _paint(img, crown.astype(np.float32), np.clip(tree_colour[None, None, :] * shade, 0, 1))

    # Lake: mirror everything above the water line, ripple it, tint it.
    if water:
        wy = int(water_y)
        rows = np.arange(wy, n)
        src = np.clip(2 * wy - rows, 0, n - 1)
        ripple_amp = rng.uniform(0.5, 2.5) * SUPERSAMPLE
        shift = (ripple_amp * np.sin(rows * rng.uniform(0.4, 1.2) + rng.uniform(0, 6))).astype(np.int64)
        cols = np.clip(np.arange(n)[None, :] + shift[:, None], 0, n - 1)
        reflection = img[src[:, None], cols]
        water_colour = _mix(_jitter(rng, (0.10, 0.30, 0.45), 0.05), top, 0.4)
        depth = ((rows - wy) / max(n - wy, 1))[:, None, None].astype(np.float32)
        mix = rng.uniform(0.25, 0.5) + 0.3 * depth
        img[wy:] = _mix(reflection * 0.9, water_colour, mix)
        # Bright glints along the water line.
        line = np.clip(1.0 - np.abs(yy - wy) / 1.5, 0, 1) * 0.4
        _paint(img, line, _mix(horizon, np.float32([1, 1, 1]), 0.5))
        # A near shore on some lakes.
        if rng.random() < 0.5:
            shore = _ridge(rng, n, n - rng.uniform(0.04, 0.12) * n, rng.uniform(0.01, 0.04) * n, 0.4)
            _paint(img, np.clip(yy - shore[None, :] + 0.5, 0, 1), palette[3] * land_light * 0.8)

    img = np.clip(img, 0.0, 1.0)
    small = img.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE, 3).mean(axis=(1, 3))
    return small.astype(np.float32)


def render_batch(seeds, size=32):
    """uint8 [N, size, size, 3] for the given seeds."""
    out = np.empty((len(seeds), size, size, 3), dtype=np.uint8)
    for i, s in enumerate(seeds):
        out[i] = np.round(render(int(s), size) * 255.0).astype(np.uint8)
    return out
