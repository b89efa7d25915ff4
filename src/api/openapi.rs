//! The OpenAPI 3.1 document, written by hand: every endpoint, its parameters and who may call it.

use serde_json::{json, Value};

fn op(summary: &str, roles: &str, params: &[(&str, &str, bool)], ok: &str) -> Value {
    let parameters: Vec<Value> = params
        .iter()
        .map(|(name, place, required)| {
            json!({"name": name, "in": place, "required": required, "schema": {"type": "string"}})
        })
        .collect();
    json!({
        "summary": summary,
        "description": format!("Allowed roles: {roles}."),
        "parameters": parameters,
        "responses": {
            ok: {"description": "success"},
            "400": {"$ref": "#/components/responses/Problem"},
            "401": {"$ref": "#/components/responses/Problem"},
            "403": {"$ref": "#/components/responses/Problem"},
        }
    })
}

/// The document served at `/api/v1/openapi.json`.
pub fn document() -> Value {
    let date = ("date", "path", true);
    let scope = ("scope", "query", true);
    let planners = "officer, practice_manager (own pod or locality), admin";
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Rounds API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "a Rounds token (rounds users add), or the council identity provider's JWT where the server is configured for it"}},
            "responses": {"Problem": {"description": "problem details (RFC 9457) with field and reason",
                "content": {"application/problem+json": {"schema": {"type": "object"}}}}}
        },
        "security": [{"bearer": []}],
        "paths": {
            "/imports": {"post": op("Import a folder of CSV files (multipart), all or nothing", "admin", &[], "201")},
            "/rotas/{date}": {"get": op("Read the latest rota of a date and scope", planners, &[date, scope, ("status", "query", false)], "200")},
            "/rotas/{date}/generate": {"post": op("Solve a date and scope; answers objective, bound, gap and verdict", planners, &[date, scope], "201")},
            "/rotas/{date}/publish": {"post": op("Publish the latest draft", planners, &[date, scope], "201")},
            "/rotas/{date}/pins": {"post": op("Pin a visit to a worker or a start time", planners, &[date, scope], "201")},
            "/rotas/{date}/events": {"post": op("Record sick/done/no_access and re-plan the rest of the day", planners, &[date, scope], "201")},
            "/me/plan/{date}": {"get": op("My published plan for a date", "social_worker", &[date], "200")},
            "/me/plan/week/{date}": {"get": op("My published plans for the week of a date", "social_worker", &[date], "200")},
            "/me/calendar.ics": {"get": op("My visits as an iCalendar feed (feed token, not bearer)", "social_worker", &[("token", "query", true)], "200")},
            "/me/feed-token": {
                "post": op("Make (or replace) my calendar feed token", "social_worker", &[], "201"),
                "delete": op("Revoke my calendar feed token", "social_worker", &[], "204")
            },
            "/fleet/utilisation": {"get": op("Car, hub and day utilisation; no child data", "fleet_manager, practice_manager, admin", &[("from", "query", true), ("to", "query", true)], "200")},
            "/children/at-risk": {"get": op("Children at risk of missing their deadline, with reasons", planners, &[("date", "query", false)], "200")},
            "/audit": {"get": op("The audit log, newest first", "admin", &[("limit", "query", false)], "200")},
            "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "success"}}}},
            "/healthz": {"get": {"summary": "Liveness (served at /healthz)", "security": [], "responses": {"200": {"description": "alive"}}}},
            "/readyz": {"get": {"summary": "Readiness: the database answers (served at /readyz)", "security": [], "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}}}}
        }
    })
}
