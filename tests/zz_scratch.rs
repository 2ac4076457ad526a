use serde_json::{Value, json};
use triage::data::panel_data::Series;
use triage::grafana::load::load_str;
use triage::view::build::Clock;
use triage::view::table;
#[test]
fn scratch() {
    let d: Value = serde_json::from_str(
        &std::fs::read_to_string(
            "/work/shared/corpus/monitoring-mixins-website__ceph__rgw-s3-analytics.json",
        )
        .unwrap(),
    )
    .unwrap();
    let d = d.get("dashboard").unwrap_or(&d);
    let p = d["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| std::iter::once(p).chain(p["panels"].as_array().into_iter().flatten()))
        .find(|p| p["title"] == "Latency(ms) Per Bucket")
        .unwrap()
        .clone();
    for upto in 1..=4 {
        let mut panel = p.clone();
        panel["transformations"] = json!(p["transformations"].as_array().unwrap()[..upto]);
        panel["options"] = json!({});
        panel["gridPos"] = json!({"x":0,"y":0,"w":12,"h":8});
        let wrapped = json!({"title":"o","schemaVersion":39,"panels":[panel]});
        let loaded = load_str(&wrapped.to_string(), "o").unwrap();
        let model = loaded.dashboard.panels[0].clone();
        let series: Vec<Series> = ["A", "B", "C", "D", "E"]
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                ["h0", "h1"].iter().enumerate().map(move |(k, h)| Series {
                    ref_id: r.to_string(),
                    name: h.to_string(),
                    labels: [
                        ("instance".to_string(), h.to_string()),
                        ("job".to_string(), "api".to_string()),
                    ]
                    .into(),
                    points: vec![(60000, 1.5 * (i as f64 + 1.0) + k as f64 * (i as f64 + 1.0))],
                    compare: None,
                })
            })
            .collect();
        let (view, notes) = table::build(&model, &series, Clock::Utc);
        eprintln!(
            "{upto}: {:?} rows {:?} notes {:?}",
            view.headers,
            view.rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
            notes
        );
    }
}
