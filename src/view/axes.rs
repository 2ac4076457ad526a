//! Which y axis each series of a time series is drawn against, as Grafana decides it.
//!
//! Grafana gives every distinct scale (unit, min/max, soft min/max, axis placement, scale
//! distribution and axis label of the series' field config) its own axis. An axis placed
//! `auto` goes left if no axis is on the left yet, else right; `left`/`right` are kept. So a
//! second unit in one panel gets an axis on the right without being asked. A terminal has room
//! for one axis per side: scales that land on the same side share one axis here, and the note
//! says which.

use crate::grafana::model::FieldDefaults;

/// The side of the plot an axis is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    #[default]
    Left,
    Right,
}

/// Each series' side (in order), and a note when several of Grafana's axes share one here.
pub fn sides(fields: &[(&str, &FieldDefaults)]) -> (Vec<Side>, Option<String>) {
    let mut axes: Vec<(String, Side, &str)> = Vec::new();
    let mut has_left = false;
    let sides: Vec<Side> = fields
        .iter()
        .map(|&(name, field)| {
            let key = scale_key(field);
            if let Some((_, side, _)) = axes.iter().find(|(k, _, _)| *k == key) {
                return *side;
            }
            let side = match field.custom.axis_placement.as_deref() {
                Some("right") => Side::Right,
                Some("left") => Side::Left,
                // A hidden axis still has its own scale in Grafana; here it shares the left.
                Some("hidden") => Side::Left,
                _ if has_left => Side::Right,
                _ => Side::Left,
            };
            has_left |= side == Side::Left;
            axes.push((key, side, name));
            side
        })
        .collect();
    // With nothing on the left, the right axis is the only one: it is drawn on the left.
    if !sides.contains(&Side::Left) {
        for axis in &mut axes {
            axis.1 = Side::Left;
        }
        return (vec![Side::Left; sides.len()], shared_note(&axes));
    }
    (sides, shared_note(&axes))
}

/// Which of Grafana's axes share one side here, said once per side.
fn shared_note(axes: &[(String, Side, &str)]) -> Option<String> {
    let shared = |side: Side| {
        let names: Vec<&str> = axes
            .iter()
            .filter(|(_, s, _)| *s == side)
            .map(|(_, _, n)| *n)
            .collect();
        (names.len() > 1).then_some(names)
    };
    let notes = [(Side::Left, "left"), (Side::Right, "right")]
        .into_iter()
        .filter_map(|(side, word)| {
            shared(side).map(|names| {
                format!(
                    "{}: separate axes in Grafana, one shared {word} axis here",
                    names.join(", ")
                )
            })
        })
        .collect::<Vec<_>>();
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// What makes two series share a scale in Grafana (its `buildScaleKey`).
fn scale_key(field: &FieldDefaults) -> String {
    let part = |v: Option<f64>| v.map_or("na".to_string(), |v| v.to_string());
    format!(
        "{}/{}-{}/{}-{}/{}/{}/{}",
        field.unit.as_deref().unwrap_or(""),
        part(field.min),
        part(field.max),
        part(field.custom.axis_soft_min),
        part(field.custom.axis_soft_max),
        field.custom.axis_placement.as_deref().unwrap_or("auto"),
        field.custom.scale_log_base.unwrap_or(0),
        field.custom.axis_label.as_deref().unwrap_or("na"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(unit: &str, placement: Option<&str>) -> FieldDefaults {
        let mut f = FieldDefaults {
            unit: (!unit.is_empty()).then(|| unit.to_string()),
            ..FieldDefaults::default()
        };
        f.custom.axis_placement = placement.map(str::to_string);
        f
    }

    #[test]
    fn one_unit_is_one_left_axis() {
        let (a, b) = (field("s", None), field("s", None));
        assert_eq!(sides(&[("a", &a), ("b", &b)]), (vec![Side::Left; 2], None));
    }

    #[test]
    fn a_second_unit_goes_right_on_its_own() {
        let (a, b, c) = (field("s", None), field("reqps", None), field("s", None));
        let (s, note) = sides(&[("p99", &a), ("rate", &b), ("p50", &c)]);
        assert_eq!(s, vec![Side::Left, Side::Right, Side::Left]);
        assert_eq!(note, None);
    }

    #[test]
    fn explicit_right_goes_right_even_with_the_same_unit() {
        let (a, b) = (field("s", None), field("s", Some("right")));
        assert_eq!(
            sides(&[("a", &a), ("b", &b)]).0,
            vec![Side::Left, Side::Right]
        );
    }

    #[test]
    fn an_explicit_left_after_an_auto_right_keeps_its_side() {
        // The first auto axis takes the left; a later explicit left is a second left axis.
        let (a, b, c) = (
            field("s", None),
            field("bytes", None),
            field("%", Some("left")),
        );
        let (s, note) = sides(&[("a", &a), ("b", &b), ("c", &c)]);
        assert_eq!(s, vec![Side::Left, Side::Right, Side::Left]);
        assert_eq!(
            note.as_deref(),
            Some("a, c: separate axes in Grafana, one shared left axis here")
        );
    }

    #[test]
    fn all_on_the_right_is_drawn_as_one_axis() {
        let (a, b) = (field("s", Some("right")), field("s", Some("right")));
        assert_eq!(sides(&[("a", &a), ("b", &b)]), (vec![Side::Left; 2], None));
    }
}
