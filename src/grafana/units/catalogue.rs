//! The built-in unit ids, in Grafana's unit categories (grafana-data
//! `valueFormats/categories.ts`): one small function per category, tried in turn. Ids are unique
//! across categories, so the order only decides how soon a common id is found.

use super::FormattedValue;
use super::number::{js_number_to_string, locale_format, to_exponential, to_fixed, to_hex};
use super::scale::{self, binary_prefix, count_unit, fixed_unit, scaled_units, si_prefix};
use super::time::{
    to_clock, to_days, to_dtdhms, to_dthms, to_duration, to_hours, to_microseconds,
    to_milliseconds, to_minutes, to_nanoseconds, to_seconds,
};

/// The value being formatted and its decimals, with the shapes most catalogue entries share.
#[derive(Clone, Copy)]
struct Input {
    v: f64,
    d: Option<u32>,
}

impl Input {
    /// The value then a fixed unit: `21.5 °C`.
    fn simple(self, unit: &str) -> Option<FormattedValue> {
        Some(fixed_unit(self.v, self.d, unit))
    }

    /// SI prefixes, starting `offset` steps from the base unit: `1.50 kW`.
    fn si(self, unit: &str, offset: i32) -> Option<FormattedValue> {
        Some(si_prefix(self.v, self.d, unit, offset))
    }

    /// IEC (1024) prefixes, starting `offset` steps from the base unit: `1.50 KiB`.
    fn bin(self, unit: &str, offset: i32) -> Option<FormattedValue> {
        Some(binary_prefix(self.v, self.d, unit, offset))
    }

    /// K/M/B/T scaling, then the symbol: `1.50K req/s`.
    fn count(self, symbol: &str) -> Option<FormattedValue> {
        Some(count_unit(self.v, self.d, symbol))
    }

    fn cur(self, symbol: &str, as_suffix: bool) -> Option<FormattedValue> {
        Some(scale::currency(self.v, self.d, symbol, as_suffix))
    }

    fn boolean(self, t: &str, f: &str) -> Option<FormattedValue> {
        Some(FormattedValue::text(if self.v != 0.0 && !self.v.is_nan() {
            t
        } else {
            f
        }))
    }
}

type Category = fn(&str, Input) -> Option<FormattedValue>;

const CATEGORIES: [Category; 24] = [
    misc,
    acceleration,
    angle,
    area,
    computation,
    concentration,
    currency,
    data,
    data_rate,
    energy,
    flow,
    force,
    hash_rate,
    mass,
    length,
    pressure,
    radiation,
    rotation,
    temperature,
    time,
    throughput,
    velocity,
    volume,
    boolean,
];

/// The built-in unit ids; `None` for an id that is not one of them.
pub(super) fn catalogue(unit: &str, v: f64, d: Option<u32>) -> Option<FormattedValue> {
    let x = Input { v, d };
    CATEGORIES.iter().find_map(|category| category(unit, x))
}

/// Misc: plain numbers, percentages, hex, scientific and locale notation.
fn misc(unit: &str, x: Input) -> Option<FormattedValue> {
    let Input { v, d } = x;
    match unit {
        "none" | "" => x.simple(""),
        "string" => Some(FormattedValue::text(js_number_to_string(v))),
        "short" => Some(scaled_units(
            v,
            d,
            1000.0,
            &[
                "", " K", " Mil", " Bil", " Tri", " Quadr", " Quint", " Sext", " Sept",
            ],
            0,
        )),
        // `SIPrefix("")`: the bare SI letter after a space (`1.50 k`).
        "sishort" => x.si("", 0),
        "percent" => Some(FormattedValue::with_suffix(to_fixed(v, d), "%")),
        "percentunit" => Some(FormattedValue::with_suffix(to_fixed(100.0 * v, d), "%")),
        "humidity" => x.simple("%H"),
        "dB" => x.simple("dB"),
        "candela" => x.si("cd", 0),
        "hex0x" => {
            let h = to_hex(v, d);
            Some(FormattedValue::text(match h.strip_prefix('-') {
                Some(rest) => format!("-0x{rest}"),
                None => format!("0x{h}"),
            }))
        }
        "hex" => Some(FormattedValue::text(to_hex(v, d))),
        "sci" => Some(FormattedValue::text(to_exponential(v, d))),
        "locale" => Some(FormattedValue::text(locale_format(v, d))),
        "pixel" => x.simple("px"),
        _ => None,
    }
}

/// Acceleration.
fn acceleration(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "accMS2" => x.simple("m/sec²"),
        "accFS2" => x.simple("f/sec²"),
        "accG" => x.simple("g"),
        _ => None,
    }
}

/// Angle.
fn angle(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "degree" => x.simple("°"),
        "radian" => x.simple("rad"),
        "grad" => x.simple("grad"),
        "arcmin" => x.simple("arcmin"),
        "arcsec" => x.simple("arcsec"),
        _ => None,
    }
}

/// Area.
fn area(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "areaM2" => x.simple("m²"),
        "areaF2" => x.simple("ft²"),
        "areaMI2" => x.simple("mi²"),
        "acres" => x.simple("ac"),
        "hectares" => x.simple("ha"),
        _ => None,
    }
}

/// Computation (FLOPS).
fn computation(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "flops" => x.si("FLOPS", 0),
        "mflops" => x.si("FLOPS", 2),
        "gflops" => x.si("FLOPS", 3),
        "tflops" => x.si("FLOPS", 4),
        "pflops" => x.si("FLOPS", 5),
        "eflops" => x.si("FLOPS", 6),
        "zflops" => x.si("FLOPS", 7),
        "yflops" => x.si("FLOPS", 8),
        _ => None,
    }
}

/// Concentration.
fn concentration(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "ppm" => x.simple("ppm"),
        "conppb" => x.simple("ppb"),
        "conngm3" => x.simple("ng/m³"),
        "conngNm3" => x.simple("ng/Nm³"),
        "conμgNm3" | "conµgNm3" => x.simple("μg/Nm³"),
        "conmgNm3" => x.simple("mg/Nm³"),
        "congNm3" => x.simple("g/Nm³"),
        "conμgm3" | "conµgm3" => x.simple("μg/m³"),
        "conmgm3" => x.simple("mg/m³"),
        "congm3" => x.simple("g/m³"),
        "conmgdL" => x.simple("mg/dL"),
        "conmmolL" => x.simple("mmol/L"),
        _ => None,
    }
}

/// Currency: a symbol before the K/M/B/T-scaled value, or after it.
fn currency(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "currencyUSD" => x.cur("$", false),
        "currencyGBP" => x.cur("£", false),
        "currencyEUR" => x.cur("€", false),
        "currencyJPY" => x.cur("¥", false),
        "currencyRUB" => x.cur("₽", false),
        "currencyUAH" => x.cur("₴", false),
        "currencyBRL" => x.cur("R$", false),
        "currencyDKK" | "currencyISK" | "currencyNOK" | "currencySEK" => x.cur("kr", true),
        "currencyCZK" => x.cur("czk", false),
        "currencyCHF" => x.cur("CHF", false),
        "currencyPLN" => x.cur("PLN", false),
        "currencyBTC" => x.cur("฿", false),
        "currencymBTC" => x.cur("mBTC", false),
        "currencyμBTC" | "currencyµBTC" => x.cur("μBTC", false),
        "currencyZAR" => x.cur("R", false),
        "currencyINR" => x.cur("₹", false),
        "currencyKRW" => x.cur("₩", false),
        "currencyIDR" => x.cur("Rp", false),
        "currencyPHP" => x.cur("PHP", false),
        "currencyVND" => x.cur("đ", true),
        "currencyTRY" => x.cur("₺", true),
        "currencyMYR" => x.cur("RM", false),
        "currencyXPF" => x.cur("XPF", false),
        "currencyBGN" => x.cur("BGN", false),
        "currencyPYG" => x.cur("₲", false),
        "currencyUYU" => x.cur("UYU", false),
        "currencyILS" => x.cur("₪", false),
        _ => None,
    }
}

/// Data: IEC (1024) and SI (1000) byte and bit sizes.
fn data(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "bytes" => x.bin("B", 0),
        "decbytes" => x.si("B", 0),
        "bits" => x.bin("b", 0),
        "decbits" => x.si("b", 0),
        "kbytes" => x.bin("B", 1),
        "deckbytes" => x.si("B", 1),
        "mbytes" => x.bin("B", 2),
        "decmbytes" => x.si("B", 2),
        "gbytes" => x.bin("B", 3),
        "decgbytes" => x.si("B", 3),
        "tbytes" => x.bin("B", 4),
        "dectbytes" => x.si("B", 4),
        "pbytes" => x.bin("B", 5),
        "decpbytes" => x.si("B", 5),
        _ => None,
    }
}

/// Data rate.
fn data_rate(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "pps" => x.si("p/s", 0),
        "binBps" => x.bin("B/s", 0),
        "Bps" => x.si("B/s", 0),
        "binbps" => x.bin("b/s", 0),
        "bps" => x.si("b/s", 0),
        "KiBs" => x.bin("B/s", 1),
        "Kibits" => x.bin("b/s", 1),
        "KBs" => x.si("B/s", 1),
        "Kbits" => x.si("b/s", 1),
        "MiBs" => x.bin("B/s", 2),
        "Mibits" => x.bin("b/s", 2),
        "MBs" => x.si("B/s", 2),
        "Mbits" => x.si("b/s", 2),
        "GiBs" => x.bin("B/s", 3),
        "Gibits" => x.bin("b/s", 3),
        "GBs" => x.si("B/s", 3),
        "Gbits" => x.si("b/s", 3),
        "TiBs" => x.bin("B/s", 4),
        "Tibits" => x.bin("b/s", 4),
        "TBs" => x.si("B/s", 4),
        "Tbits" => x.si("b/s", 4),
        "PiBs" => x.bin("B/s", 5),
        "Pibits" => x.bin("b/s", 5),
        "PBs" => x.si("B/s", 5),
        "Pbits" => x.si("b/s", 5),
        _ => None,
    }
}

/// Energy (and electrical units).
fn energy(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "watt" => x.si("W", 0),
        "kwatt" => x.si("W", 1),
        "megwatt" => x.si("W", 2),
        "gwatt" => x.si("W", 3),
        "mwatt" => x.si("W", -1),
        "Wm2" => x.si("W/m²", 0),
        "voltamp" => x.si("VA", 0),
        "kvoltamp" => x.si("VA", 1),
        "voltampreact" => x.si("VAr", 0),
        "kvoltampreact" => x.si("VAr", 1),
        "watth" => x.si("Wh", 0),
        "watthperkg" => x.si("Wh/kg", 0),
        "kwatth" => x.si("Wh", 1),
        "kwattm" => x.si("W-Min", 1),
        "mwatth" => x.si("Wh", 2),
        "amph" => x.si("Ah", 0),
        "kamph" => x.si("Ah", 1),
        "mamph" => x.si("Ah", -1),
        "joule" => x.si("J", 0),
        "ev" => x.si("eV", 0),
        "amp" => x.si("A", 0),
        "kamp" => x.si("A", 1),
        "mamp" => x.si("A", -1),
        "volt" => x.si("V", 0),
        "kvolt" => x.si("V", 1),
        "mvolt" => x.si("V", -1),
        "dBm" => x.simple("dbm"),
        "mohm" => x.si("Ω", -1),
        "ohm" => x.si("Ω", 0),
        "kohm" => x.si("Ω", 1),
        "Mohm" => x.si("Ω", 2),
        "farad" => x.si("F", 0),
        "µfarad" => x.si("F", -2),
        "nfarad" => x.si("F", -3),
        "pfarad" => x.si("F", -4),
        "ffarad" => x.si("F", -5),
        "henry" => x.si("H", 0),
        "mhenry" => x.si("H", -1),
        "µhenry" => x.si("H", -2),
        "lumens" => x.si("Lm", 0),
        _ => None,
    }
}

/// Flow (and lux, which Grafana files here).
fn flow(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "flowgpm" => x.simple("gpm"),
        "flowcms" => x.simple("cms"),
        "flowcfs" => x.simple("cfs"),
        "flowcfm" => x.simple("cfm"),
        "litreh" => x.simple("L/h"),
        "flowlpm" => x.simple("L/min"),
        "flowmlpm" => x.simple("mL/min"),
        "lux" => x.simple("lux"),
        _ => None,
    }
}

/// Force.
fn force(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "forceNm" => x.si("Nm", 0),
        "forcekNm" => x.si("Nm", 1),
        "forceN" => x.si("N", 0),
        "forcekN" => x.si("N", 1),
        _ => None,
    }
}

/// Hash rate.
fn hash_rate(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "Hs" => x.si("H/s", 0),
        "KHs" => x.si("H/s", 1),
        "MHs" => x.si("H/s", 2),
        "GHs" => x.si("H/s", 3),
        "THs" => x.si("H/s", 4),
        "PHs" => x.si("H/s", 5),
        "EHs" => x.si("H/s", 6),
        _ => None,
    }
}

/// Mass.
fn mass(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "massmg" => x.si("g", -1),
        "massg" => x.si("g", 0),
        "masslb" => x.simple("lb"),
        "masskg" => x.si("g", 1),
        "masst" => x.simple("t"),
        _ => None,
    }
}

/// Length.
fn length(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "lengthmm" => x.si("m", -1),
        "lengthcm" => x.simple("cm"),
        "lengthin" => x.simple("in"),
        "lengthft" => x.simple("ft"),
        "lengthm" => x.si("m", 0),
        "lengthkm" => x.si("m", 1),
        "lengthmi" => x.simple("mi"),
        _ => None,
    }
}

/// Pressure.
fn pressure(unit: &str, x: Input) -> Option<FormattedValue> {
    let Input { v, d } = x;
    match unit {
        "pressurembar" => x.si("bar", -1),
        "pressurebar" => x.si("bar", 0),
        "pressurekbar" => x.si("bar", 1),
        "pressurepa" => x.si("Pa", 0),
        "pressurehpa" => x.simple("hPa"),
        "pressurekpa" => x.simple("kPa"),
        "pressurehg" => x.simple("\"Hg"),
        "pressurepsi" => Some(scaled_units(v, d, 1000.0, &["psi", "ksi", "Mpsi"], 0)),
        _ => None,
    }
}

/// Radiation.
fn radiation(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "radbq" => x.si("Bq", 0),
        "radci" => x.si("Ci", 0),
        "radgy" => x.si("Gy", 0),
        "radrad" => x.si("rad", 0),
        "radsv" => x.si("Sv", 0),
        "radmsv" => x.si("Sv", -1),
        "radusv" => x.si("Sv", -2),
        "radrem" => x.si("rem", 0),
        "radexpckg" => x.si("C/kg", 0),
        "radr" => x.si("R", 0),
        "radsvh" => x.si("Sv/h", 0),
        "radmsvh" => x.si("Sv/h", -1),
        "radusvh" => x.si("Sv/h", -2),
        _ => None,
    }
}

/// Rotation speed.
fn rotation(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "rotrpm" => x.simple("rpm"),
        "rothz" => x.si("Hz", 0),
        "rotkhz" => x.si("Hz", 1),
        "rotmhz" => x.si("Hz", 2),
        "rotghz" => x.si("Hz", 3),
        "rotrads" => x.simple("rad/s"),
        "rotdegs" => x.simple("°/s"),
        _ => None,
    }
}

/// Temperature.
fn temperature(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "celsius" => x.simple("°C"),
        "fahrenheit" => x.simple("°F"),
        "kelvin" => x.simple("K"),
        _ => None,
    }
}

/// Time: durations scaled to the best unit, duration text and clocks.
fn time(unit: &str, x: Input) -> Option<FormattedValue> {
    let Input { v, d } = x;
    match unit {
        "hertz" => x.si("Hz", 0),
        "ns" => Some(to_nanoseconds(v, d)),
        "µs" | "us" => Some(to_microseconds(v, d)),
        "ms" => Some(to_milliseconds(v, d)),
        "s" => Some(to_seconds(v, d)),
        "m" => Some(to_minutes(v, d)),
        "h" => Some(to_hours(v, d)),
        "d" => Some(to_days(v, d)),
        "dtdurationms" => Some(to_duration(v, d, 0.001, "millisecond")),
        "dtdurations" => Some(to_duration(v, d, 1.0, "second")),
        "dthms" => Some(to_dthms(v)),
        "dtdhms" => Some(to_dtdhms(v)),
        "timeticks" => Some(to_seconds(v / 100.0, d)),
        "clockms" => Some(to_clock(v, d)),
        "clocks" => Some(to_clock(v * 1000.0, d)),
        _ => None,
    }
}

/// Throughput: K/M/B/T-scaled counts per second or minute.
fn throughput(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "cps" => x.count("c/s"),
        "ops" => x.count("ops/s"),
        "reqps" => x.count("req/s"),
        "rps" => x.count("rd/s"),
        "wps" => x.count("wr/s"),
        "iops" => x.count("io/s"),
        "eps" => x.count("evt/s"),
        "mps" => x.count("msg/s"),
        "recps" => x.count("rec/s"),
        "rowsps" => x.count("rows/s"),
        "cpm" => x.count("c/m"),
        "opm" => x.count("ops/m"),
        "reqpm" => x.count("req/m"),
        "rpm" => x.count("rd/m"),
        "wpm" => x.count("wr/m"),
        "epm" => x.count("evts/m"),
        "mpm" => x.count("msgs/m"),
        "recpm" => x.count("rec/m"),
        "rowspm" => x.count("rows/m"),
        _ => None,
    }
}

/// Velocity.
fn velocity(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "velocityms" => x.simple("m/s"),
        "velocitykmh" => x.simple("km/h"),
        "velocitymph" => x.simple("mph"),
        "velocityknot" => x.simple("kn"),
        _ => None,
    }
}

/// Volume.
fn volume(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "mlitre" => x.si("L", -1),
        "litre" => x.si("L", 0),
        "m3" => x.simple("m³"),
        "Nm3" => x.simple("Nm³"),
        "dm3" => x.simple("dm³"),
        "gallons" => x.simple("gal"),
        _ => None,
    }
}

/// Boolean.
fn boolean(unit: &str, x: Input) -> Option<FormattedValue> {
    match unit {
        "bool" => x.boolean("True", "False"),
        "bool_yes_no" => x.boolean("Yes", "No"),
        "bool_on_off" => x.boolean("On", "Off"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::grafana::units::number::to_fixed;
    use crate::grafana::units::{f, fd};

    #[test]
    fn short_scale() {
        assert_eq!(f(999.0, "short"), "999");
        assert_eq!(f(1500.0, "short"), "1.50 K");
        assert_eq!(f(2_340_000.0, "short"), "2.34 Mil");
        assert_eq!(f(5e9, "short"), "5 Bil");
        assert_eq!(f(0.5, "short"), "0.500");
    }

    #[test]
    fn percent_units() {
        assert_eq!(f(42.0, "percent"), "42%");
        assert_eq!(f(0.4567, "percentunit"), "45.7%");
        assert_eq!(f(0.999, "percentunit"), "99.9%");
    }

    // bytes: IEC 1024 scaling; decbytes: SI 1000, SI prefixes also go below 1.
    #[test]
    fn data_units() {
        assert_eq!(f(1536.0, "bytes"), "1.50 KiB");
        assert_eq!(f(512.0, "bytes"), "512 B");
        assert_eq!(f(1_073_741_824.0, "bytes"), "1 GiB");
        assert_eq!(f(1500.0, "decbytes"), "1.50 kB");
        assert_eq!(f(2048.0, "kbytes"), "2 MiB");
        assert_eq!(f(3.0, "gbytes"), "3 GiB");
        assert_eq!(f(1e6, "bits"), "977 Kib");
        assert_eq!(f(0.5, "decbytes"), "500 mB");
    }

    #[test]
    fn data_rate_units() {
        assert_eq!(f(1_250_000.0, "Bps"), "1.25 MB/s");
        assert_eq!(f(1_250_000.0, "bps"), "1.25 Mb/s");
        assert_eq!(f(2048.0, "binBps"), "2 KiB/s");
        assert_eq!(f(12.0, "pps"), "12 p/s");
        assert_eq!(f(1.0, "MBs"), "1 MB/s");
    }

    // Throughput: K/M/B/T then " symbol" with no space before the scale letter.
    #[test]
    fn throughput_units() {
        assert_eq!(f(1500.0, "reqps"), "1.50K req/s");
        assert_eq!(f(12.0, "ops"), "12 ops/s");
        assert_eq!(f(3.5e6, "iops"), "3.50M io/s");
        assert_eq!(f(60.0, "rpm"), "60 rd/m");
        assert_eq!(f(0.25, "cps"), "0.250 c/s");
    }

    #[test]
    fn currencies() {
        assert_eq!(f(1234.0, "currencyUSD"), "$1.23K");
        assert_eq!(f(-5.0, "currencyEUR"), "-€5");
        assert_eq!(f(100.0, "currencySEK"), "100kr");
        assert_eq!(f(2.5, "currency:CHF"), "CHF2.50");
    }

    #[test]
    fn misc_units() {
        assert_eq!(f(21.5, "celsius"), "21.5 °C");
        assert_eq!(f(1.0, "bool"), "True");
        assert_eq!(f(0.0, "bool_yes_no"), "No");
        assert_eq!(f(255.0, "hex"), "FF");
        assert_eq!(f(255.0, "hex0x"), "0xFF");
        assert_eq!(fd(12345.0, "sci", 2), "1.23e+4");
        assert_eq!(f(1_234_567.891, "locale"), "1,234,567.891");
        assert_eq!(f(3.0, "string"), "3");
    }

    // Cases from Grafana's own valueFormats.test.ts.
    #[test]
    fn grafana_test_table() {
        let cases: &[(&str, u32, f64, &str)] = &[
            ("currencyUSD", 2, 1532.82, "$1.53K"),
            ("currencyKRW", 2, 1532.82, "₩1.53K"),
            ("ms", 4, 0.0024, "0.0024 ms"),
            ("ms", 0, 100.0, "100 ms"),
            ("ms", 2, 1250.0, "1.25 s"),
            ("ms", 1, 10_000_086.123, "2.8 hours"),
            ("ms", 0, 1200.0, "1 s"),
            ("kbytes", 3, 10_000_000.0, "9.537 GiB"),
            ("deckbytes", 3, 10_000_000.0, "10.000 GB"),
            ("megwatt", 3, 1000.0, "1.000 GW"),
            ("kohm", 3, 1000.0, "1.000 MΩ"),
            ("Mohm", 3, 1000.0, "1.000 GΩ"),
            ("farad", 3, 1000.0, "1.000 kF"),
            ("µfarad", 3, 1000.0, "1.000 mF"),
            ("nfarad", 3, 1000.0, "1.000 µF"),
            ("pfarad", 3, 1000.0, "1.000 nF"),
            ("ffarad", 3, 1000.0, "1.000 pF"),
            ("henry", 3, 1000.0, "1.000 kH"),
            ("mhenry", 3, 1000.0, "1.000 H"),
            ("µhenry", 3, 1000.0, "1.000 mH"),
        ];
        for (unit, d, v, want) in cases {
            assert_eq!(fd(*v, unit, *d), *want, "{unit} {v}");
        }
        assert_eq!(to_fixed(100.0, None), "100");
        assert_eq!(to_fixed(100.4, None), "100");
        assert_eq!(to_fixed(100.5, None), "101");
        assert_eq!(to_fixed(100.0, Some(1)), "100.0");
        assert_eq!(to_fixed(100.37, Some(1)), "100.4");
        assert_eq!(to_fixed(100.63, Some(1)), "100.6");
        assert_eq!(to_fixed(100.4, Some(2)), "100.40");
        assert_eq!(to_fixed(100.5, Some(2)), "100.50");
    }
}
