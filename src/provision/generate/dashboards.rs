//! `grafana/dashboards/dashboards.yml`: one file provider per `layouts/` folder.

use super::super::config::ProvisionConfig;
use super::super::yaml::Node;
use super::GRAFANA_DASHBOARDS_DIR;

pub(super) fn dashboard_providers(config: &ProvisionConfig) -> Node {
    let providers = config
        .folders
        .iter()
        .map(|(subfolder, title)| {
            Node::map()
                .with("name", Node::str(subfolder))
                .with("orgId", Node::Int(1))
                .with("folder", Node::str(title))
                .with("folderUid", Node::str(subfolder))
                .with("type", Node::str("file"))
                .with("disableDeletion", Node::Bool(true))
                .with("allowUiUpdates", Node::Bool(false))
                .with("updateIntervalSeconds", Node::Int(30))
                .with(
                    "options",
                    Node::map().with(
                        "path",
                        Node::str(format!("{GRAFANA_DASHBOARDS_DIR}/{subfolder}")),
                    ),
                )
        })
        .collect();
    Node::map()
        .with("apiVersion", Node::Int(1))
        .with("providers", Node::List(providers))
}
