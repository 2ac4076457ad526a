//! The table panel's own sort (`options.sortBy`: columns by display name, each ascending or
//! descending), as Grafana's table does it in the browser (@grafana/ui TableNG `applySort`,
//! `getComparator`): on the raw values, not the text shown; numbers and times by value with
//! empty cells first; text with an English collator that ignores case and reads digit runs as
//! numbers (`h2` before `h10`); a stable sort, later columns breaking ties.

use std::cmp::Ordering;

use super::frames::{FieldType, Frame, Value};

/// The frame's row indices in the order the table shows them. `columns` are (field index,
/// header) of the shown columns; a `sort_by` entry naming no column is skipped.
pub(super) fn sorted_rows(
    frame: &Frame,
    columns: &[(usize, &str)],
    sort_by: &[(String, bool)],
) -> Vec<usize> {
    let keys: Vec<(usize, bool)> = sort_by
        .iter()
        .filter_map(|(name, desc)| {
            let (field, _) = columns.iter().find(|(_, header)| header == name)?;
            Some((*field, *desc))
        })
        .collect();
    let mut rows: Vec<usize> = (0..frame.len()).collect();
    if keys.is_empty() {
        return rows;
    }
    rows.sort_by(|&a, &b| {
        for &(field, desc) in &keys {
            let field = &frame.fields[field];
            let (x, y) = (cell(&field.values, a), cell(&field.values, b));
            let order = match field.field_type {
                FieldType::Number | FieldType::Time => by_number(x, y),
                FieldType::String => collate(&text(x), &text(y)),
            };
            let order = if desc { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    rows
}

fn cell(values: &[Value], row: usize) -> &Value {
    values.get(row).unwrap_or(&Value::Null)
}

/// `Number(a) - Number(b)` with an empty cell first; NaN compares equal to anything, as a
/// comparator answering NaN does.
fn by_number(x: &Value, y: &Value) -> Ordering {
    match (x.is_null(), y.is_null()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    let (a, b) = (
        x.as_f64().unwrap_or(f64::NAN),
        y.as_f64().unwrap_or(f64::NAN),
    );
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// `String(value ?? '')`.
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => other.key(),
    }
}

/// An approximation of `Intl.Collator("en", {sensitivity: "base", numeric: true})` for the
/// text tables hold (label values, names): spaces before punctuation before digits before
/// letters, letters without case, digit runs by their number.
pub(super) fn collate(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, n) = (digits(&mut x), digits(&mut y));
                let order = by_digits(&m, &n);
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                let order = weight(c).cmp(&weight(d));
                if order != Ordering::Equal {
                    return order;
                }
                x.next();
                y.next();
            }
        }
    }
}

fn digits(chars: &mut std::iter::Peekable<std::str::Chars>) -> String {
    let mut run = String::new();
    while let Some(c) = chars.peek().copied().filter(char::is_ascii_digit) {
        run.push(c);
        chars.next();
    }
    run
}

/// Two digit runs by the number they write (leading zeros do not count).
fn by_digits(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A character's class and its caseless form.
fn weight(c: char) -> (u8, char) {
    let class = if c.is_whitespace() {
        0
    } else if c.is_ascii_punctuation() {
        1
    } else if c.is_numeric() {
        2
    } else {
        3
    };
    (class, c.to_lowercase().next().unwrap_or(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_inside_text_sort_by_value_and_case_does_not_count() {
        let mut names = vec!["h10", "H2", "h1", "db-3", "api"];
        names.sort_by(|a, b| collate(a, b));
        assert_eq!(names, vec!["api", "db-3", "h1", "H2", "h10"]);
        assert_eq!(collate("Api", "api"), Ordering::Equal);
        assert_eq!(collate("a b", "a-b"), Ordering::Less);
    }

    #[test]
    fn empty_number_cells_come_first() {
        assert_eq!(
            by_number(&Value::Null, &Value::Number(-5.0)),
            Ordering::Less
        );
        assert_eq!(
            by_number(&Value::Number(2.0), &Value::Number(10.0)),
            Ordering::Less
        );
    }
}
