//! Posting a short message to a Slack-compatible incoming webhook (`{"text": ...}` as JSON,
//! the shape Slack, Mattermost and Rocket.Chat accept). A webhook URL is a secret (its path is
//! the token), so no message here ever shows it.

use serde_json::json;

use super::http::{Connection, describe, first_line, read_capped};
use super::sanitize::sanitize;

/// Posts `text` to the webhook; the error says what went wrong without the URL.
pub async fn post_text(url: &str, text: &str) -> Result<(), String> {
    let connection = Connection::drill_down(url)
        .validated("webhook")
        .map_err(|_| "the webhook URL is not a valid http(s) URL".to_string())?;
    let client = connection.build_client()?;
    let request = connection.authorise(client.post(&connection.url).json(&json!({ "text": text })));
    let response = request
        .send()
        .await
        .map_err(|e| format!("the webhook did not answer: {}", describe(e)))?;
    let (status, _, body) = read_capped(response)
        .await
        .map_err(|_| "the webhook's answer could not be read".to_string())?;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        let body = sanitize(&first_line(&String::from_utf8_lossy(&body)));
        Err(format!("the webhook answered HTTP {status}: {body}"))
    }
}
