//! How far apart two colours look, to people with and without colour-vision deficiencies: the
//! yardstick that keeps the colour-blind theme honest (tests/themes.rs).
//!
//! Simulation: Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
//! Difference: CIEDE2000 (Sharma, Wu & Dalal 2005) on CIELAB with the D65 white point.

use crate::view::Rgb;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deficiency {
    Deuteranopia,
    Protanopia,
    Tritanopia,
}

impl Deficiency {
    pub const ALL: [Deficiency; 3] = [
        Deficiency::Deuteranopia,
        Deficiency::Protanopia,
        Deficiency::Tritanopia,
    ];

    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Deficiency::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Deficiency::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Deficiency::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }
}

fn to_linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn to_srgb(c: f64) -> u8 {
    let c = c.clamp(0.0, 1.0);
    let v = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (v * 255.0).round() as u8
}

/// The colour as someone with the deficiency sees it.
pub fn simulate(rgb: Rgb, deficiency: Deficiency) -> Rgb {
    let lin = [to_linear(rgb.0), to_linear(rgb.1), to_linear(rgb.2)];
    let m = deficiency.matrix();
    let out: Vec<u8> = m
        .iter()
        .map(|row| to_srgb(row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]))
        .collect();
    Rgb(out[0], out[1], out[2])
}

/// CIELAB (D65) of an sRGB colour.
pub fn lab(rgb: Rgb) -> (f64, f64, f64) {
    let (r, g, b) = (to_linear(rgb.0), to_linear(rgb.1), to_linear(rgb.2));
    let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47;
    let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
    let z = (0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b) / 1.088_83;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
}

/// CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1). About 2 is the
/// smallest difference people notice side by side; over 20 reads as a different colour.
pub fn ciede2000(lab1: (f64, f64, f64), lab2: (f64, f64, f64)) -> f64 {
    let (l1, a1, b1) = lab1;
    let (l2, a2, b2) = lab2;
    let c1 = a1.hypot(b1);
    let c2 = a2.hypot(b2);
    let c_mean = (c1 + c2) / 2.0;
    let g = 0.5 * (1.0 - (c_mean.powi(7) / (c_mean.powi(7) + 25f64.powi(7))).sqrt());
    let a1p = (1.0 + g) * a1;
    let a2p = (1.0 + g) * a2;
    let c1p = a1p.hypot(b1);
    let c2p = a2p.hypot(b2);
    let hue = |b: f64, a: f64| {
        if b == 0.0 && a == 0.0 {
            0.0
        } else {
            b.atan2(a).to_degrees().rem_euclid(360.0)
        }
    };
    let h1p = hue(b1, a1p);
    let h2p = hue(b2, a2p);
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh_angle = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dh = 2.0 * (c1p * c2p).sqrt() * (dh_angle.to_radians() / 2.0).sin();
    let l_mean = (l1 + l2) / 2.0;
    let cp_mean = (c1p + c2p) / 2.0;
    let hp_mean = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (hp_mean - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hp_mean).to_radians().cos()
        + 0.32 * (3.0 * hp_mean + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hp_mean - 63.0).to_radians().cos();
    let d_theta = 30.0 * (-((hp_mean - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (cp_mean.powi(7) / (cp_mean.powi(7) + 25f64.powi(7))).sqrt();
    let sl = 1.0 + 0.015 * (l_mean - 50.0).powi(2) / (20.0 + (l_mean - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cp_mean;
    let sh = 1.0 + 0.015 * cp_mean * t;
    let rt = -(2.0 * d_theta).to_radians().sin() * rc;
    ((dl / sl).powi(2) + (dc / sc).powi(2) + (dh / sh).powi(2) + rt * (dc / sc) * (dh / sh)).sqrt()
}

/// How different two sRGB colours look, optionally through a deficiency.
pub fn difference(a: Rgb, b: Rgb, deficiency: Option<Deficiency>) -> f64 {
    let see = |c: Rgb| deficiency.map_or(c, |d| simulate(c, d));
    ciede2000(lab(see(a)), lab(see(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciede2000_matches_sharmas_test_data() {
        // Pairs 1, 7, 17 and 25 of Sharma, Wu & Dalal (2005), table 1.
        let cases = [
            ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
            ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
            ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
            (
                (60.2574, -34.0099, 36.2677),
                (60.4626, -34.1751, 39.4387),
                1.2644,
            ),
        ];
        for (a, b, expected) in cases {
            let got = ciede2000(a, b);
            assert!(
                (got - expected).abs() < 1e-3,
                "{a:?} {b:?}: {got} != {expected}"
            );
        }
    }

    #[test]
    fn lab_of_white_and_black() {
        let (l, a, b) = lab(Rgb(255, 255, 255));
        assert!((l - 100.0).abs() < 0.01 && a.abs() < 0.01 && b.abs() < 0.01);
        assert!(lab(Rgb(0, 0, 0)).0.abs() < 1e-9);
    }

    #[test]
    fn deuteranopia_confuses_red_and_green_but_not_blue_and_yellow() {
        let red_green = difference(Rgb(200, 60, 50), Rgb(90, 140, 40), None);
        let seen = difference(
            Rgb(200, 60, 50),
            Rgb(90, 140, 40),
            Some(Deficiency::Deuteranopia),
        );
        assert!(seen < red_green / 2.0, "{seen} vs {red_green}");
        let blue_yellow = difference(
            Rgb(0, 114, 178),
            Rgb(240, 228, 66),
            Some(Deficiency::Deuteranopia),
        );
        assert!(blue_yellow > 40.0, "{blue_yellow}");
        // Greys are unchanged.
        assert_eq!(
            simulate(Rgb(128, 128, 128), Deficiency::Protanopia),
            Rgb(128, 128, 128)
        );
    }
}
