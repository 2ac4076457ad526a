//! `triage list`: the dashboards of a Grafana, found with its search (text, tags, folder).

use serde_json::json;

use super::grafana::{connect, folder_uid};
use super::{CliError, ListArgs, ListFormat};
use crate::net::grafana::types::KIND_DASHBOARD;
use crate::net::grafana::{SearchHit, SearchQuery};

pub async fn run(args: ListArgs) -> Result<i32, CliError> {
    let client = connect(&args.grafana).await?;
    let query = SearchQuery {
        text: args.query.clone(),
        tags: args.tags.clone(),
        kind: Some(KIND_DASHBOARD),
    };
    let mut hits = client
        .search(&query)
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    if let Some(folder) = &args.folder {
        let uid = folder_uid(&client, folder).await?;
        hits.retain(|h| h.folder_uid == uid);
    }
    hits.sort_by(|a, b| {
        (a.folder_label(), a.title.as_str()).cmp(&(b.folder_label(), b.title.as_str()))
    });
    match args.format {
        ListFormat::Text => print!("{}", table(&hits)),
        ListFormat::Json => {
            let rows: Vec<_> = hits
                .iter()
                .map(|h| {
                    json!({
                        "uid": h.uid, "title": h.title, "folder": h.folder_label(),
                        "folderUid": h.folder_uid, "tags": h.tags, "url": h.url,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            );
        }
    }
    Ok(0)
}

/// Aligned columns: uid, title, folder, tags (open one with `triage grafana:UID`).
fn table(hits: &[SearchHit]) -> String {
    let rows: Vec<[String; 4]> = hits
        .iter()
        .map(|h| {
            [
                h.uid.clone(),
                h.title.clone(),
                h.folder_label().to_string(),
                h.tags.join(","),
            ]
        })
        .collect();
    let header = ["UID", "TITLE", "FOLDER", "TAGS"].map(str::to_string);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let hits = vec![SearchHit {
            uid: "inference-gateway".into(),
            title: "Inference Gateway".into(),
            kind: KIND_DASHBOARD.into(),
            tags: vec!["slo".into(), "ml".into()],
            folder_uid: Some("f1".into()),
            folder_title: Some("service".into()),
            url: "/d/inference-gateway/inference-gateway".into(),
        }];
        assert_eq!(
            table(&hits),
            "UID                TITLE              FOLDER   TAGS\n\
             inference-gateway  Inference Gateway  service  slo,ml\n"
        );
    }
}
