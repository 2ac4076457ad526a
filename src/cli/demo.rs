//! `triage demo`: the demo stack and, unless `--no-tui`, the inference-gateway dashboard on it.

use super::session_setup::prepare_loaded;
use super::view::run_prepared;
use super::{CliError, DemoArgs, QueryArgs};
use crate::demo::{DASHBOARD_JSON, Stack, StackOptions, run_headless};
use crate::grafana::load::load_str;

pub async fn run(args: DemoArgs) -> Result<i32, CliError> {
    if args.exporter_only {
        return exporter_only(&args.listen).await;
    }
    if args.no_tui {
        run_headless(StackOptions::default())
            .await
            .map_err(|e| CliError::failure(e.to_string()))?;
        return Ok(0);
    }
    // Built into the binary, so the demo runs from any directory.
    let loaded = load_str(DASHBOARD_JSON, "layouts/service/inference-gateway.json")
        .map_err(|e| CliError::failure(e.to_string()))?;
    // History fills the dashboard from the first second; live samples follow within a scrape.
    let options = StackOptions {
        wait_for_first_scrape: false,
        ..StackOptions::default()
    };
    let stack = Stack::start(options, &|step: &str| eprintln!("demo: {step}"))
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    let query = QueryArgs {
        prometheus: Some(stack.prometheus_url.clone()),
        vars: Vec::new(),
        from: None,
        to: None,
        refresh: None,
        theme: args.theme.clone(),
        timeout: 30,
        headers: Vec::new(),
        datasources: Vec::new(),
        color_depth: None,
        insecure_skip_verify: false,
        ascii: args.ascii,
        grafana: None,
        datasources_file: None,
        // The demo's Loki and Jaeger are one stand-in server, its Tempo another (see
        // demo::standin); traces come from Tempo, as in the suite's provisioning.
        loki: stack.standin_url.clone(),
        jaeger: stack.standin_url.clone(),
        tempo: stack.tempo_url.clone(),
        alertmanager: stack.alertmanager_url.clone(),
        scrape_interval: None,
        loki_headers: Vec::new(),
        jaeger_headers: Vec::new(),
        tempo_headers: Vec::new(),
        alertmanager_headers: Vec::new(),
    };
    // The stack is shut down whatever the UI returns; Drop covers panics.
    let result = match prepare_loaded(loaded, "inference-gateway.json", &query) {
        Ok(prepared) => run_prepared(vec![prepared]).await.map(|_| 0),
        Err(e) => Err(e),
    };
    stack.shutdown().await;
    result
}

/// Serves the synthetic gateway's live metrics until Ctrl-C (no history: a Prometheus that
/// scrapes it builds its own; `triage demo` backfills for its own Prometheus only).
async fn exporter_only(listen: &str) -> Result<i32, CliError> {
    use crate::demo::exporter::{Exporter, LiveWorld};
    use crate::demo::scenario::Scenario;
    use crate::demo::world::World;
    let live = std::sync::Arc::new(LiveWorld::new(World::new(Scenario::default()), None));
    let exporter = Exporter::serve(live, listen)
        .await
        .map_err(|e| CliError::failure(format!("exporter: cannot listen on {listen}: {e}")))?;
    println!("exporter: {}/metrics", exporter.url);
    let _ = tokio::signal::ctrl_c().await;
    exporter.stop().await;
    Ok(0)
}
