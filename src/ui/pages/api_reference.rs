//! The API reference (`GET /api/docs`, `api::docs`): the OpenAPI document
//! for people. A page of its own (`shell::render`), served without
//! scripts: it reads whole without a viewer, under the strict default
//! policy.

use crate::shell::{render, Brand, Robots};
use leptos::prelude::*;
use serde_json::Value;

/// The reference page for `doc` (an OpenAPI document) and the problem
/// types it answers with (`slug`, what it means).
pub fn page(doc: Value, problems: &'static [(&'static str, &'static str)]) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API").to_string();
    render(&format!("{title} reference"), Robots::Index, move || view! { <Reference doc problems/> })
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

#[component]
fn Reference(doc: Value, problems: &'static [(&'static str, &'static str)]) -> impl IntoView {
    let info = &doc["info"];
    let machine_readable = format!("(OpenAPI {}).", text(&doc["openapi"]));
    let schemes: Vec<(String, String)> = doc["components"]["securitySchemes"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, scheme)| (name.clone(), text(&scheme["description"])))
        .collect();
    let operations: Vec<(String, String, Value)> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(method, op)| (method.clone(), path.clone(), op.clone()))
        })
        .collect();
    let schemas: Vec<(String, Value)> =
        doc["components"]["schemas"].as_object().into_iter().flatten().map(|(n, s)| (n.clone(), s.clone())).collect();
    view! {
        <Brand width="max-w-4xl"/>
        <main class="mx-auto max-w-4xl space-y-8 px-4 py-10">
            <header>
                <h1 class="text-3xl font-semibold">{text(&info["title"])}</h1>
                <p class="mt-3 text-slate-700">{text(&info["description"])}</p>
                <p class="mt-2 text-sm">
                    "Machine-readable: " <a class="underline" href="/api/openapi.json">"/api/openapi.json"</a> " "
                    {machine_readable}
                </p>
            </header>
            <section>
                <h2 class="text-2xl font-semibold">"Authentication"</h2>
                <dl class="mt-3 space-y-2">
                    {schemes.into_iter().map(|(name, description)| view! {
                        <dt class="font-mono font-semibold">{name}</dt>
                        <dd class="text-slate-700">{description}</dd>
                    }).collect_view()}
                </dl>
            </section>
            <section>
                <h2 class="text-2xl font-semibold">"Endpoints"</h2>
                {operations.into_iter().map(|(method, path, op)| view! { <Operation method path op/> }).collect_view()}
            </section>
            <section>
                <h2 class="text-2xl font-semibold">"Problems"</h2>
                <dl class="mt-3 space-y-2">
                    {problems.iter().map(|(slug, description)| view! {
                        <dt id=format!("problem-{slug}") class="font-mono font-semibold">{format!("/api/docs#problem-{slug}")}</dt>
                        <dd class="text-slate-700">{*description}</dd>
                    }).collect_view()}
                </dl>
            </section>
            <section>
                <h2 class="text-2xl font-semibold">"Schemas"</h2>
                {schemas.into_iter().map(|(name, schema)| view! { <Schema name schema/> }).collect_view()}
            </section>
        </main>
    }
}

/// One method on one path: what it does, who may call it, what it takes
/// and what it answers.
#[component]
fn Operation(method: String, path: String, op: Value) -> impl IntoView {
    let auth = op["security"].as_array().map(|security| {
        let names: Vec<String> = security
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|s| {
                s.iter().map(|(k, v)| {
                    let scopes =
                        v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "));
                    format!("{k} {}", scopes.unwrap_or_default())
                })
            })
            .collect();
        format!("Auth: {}", names.join("; "))
    });
    let parameters: Option<Vec<String>> = op["parameters"]
        .as_array()
        .map(|params| params.iter().map(|p| format!("({}) {}", text(&p["in"]), text(&p["description"]))).collect());
    let parameter_names: Vec<String> =
        op["parameters"].as_array().into_iter().flatten().map(|p| text(&p["name"])).collect();
    let bodies: Vec<(String, Value)> = op["requestBody"]["content"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(media, body)| (format!("Body ({media}): "), body["schema"].clone()))
        .collect();
    let responses: Vec<(String, String, Option<Value>)> = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let schema = response["content"].as_object().and_then(|c| c.values().next()).map(|c| c["schema"].clone());
            (status.clone(), format!(" {} ", text(&response["description"])), schema)
        })
        .collect();
    view! {
        <article class="mt-6 rounded-lg border border-slate-200 bg-white p-4">
            <h3 class="font-mono text-lg"><span class="font-bold uppercase">{method}</span> " " {path}</h3>
            {op["summary"].as_str().map(|s| view! { <p class="mt-1 font-medium">{s.to_string()}</p> })}
            {op["description"].as_str().map(|d| view! { <p class="mt-1 text-slate-700">{d.to_string()}</p> })}
            {auth.map(|auth| view! { <p class="mt-1 text-sm">{auth}</p> })}
            {parameters.map(|parameters| view! {
                <p class="mt-2 text-sm font-semibold">"Parameters"</p>
                <ul class="list-disc pl-5 text-sm">
                    {parameters.into_iter().zip(parameter_names).map(|(rest, name)| view! {
                        <li><code>{name}</code> " " {rest}</li>
                    }).collect_view()}
                </ul>
            })}
            {bodies.into_iter().map(|(label, schema)| view! {
                <p class="mt-2 text-sm">{label} {schema_name(&schema)}</p>
            }).collect_view()}
            <p class="mt-2 text-sm font-semibold">"Responses"</p>
            <ul class="list-disc pl-5 text-sm">
                {responses.into_iter().map(|(status, description, schema)| view! {
                    <li><b>{status}</b> {description} {schema.map(|s| schema_name(&s))}</li>
                }).collect_view()}
            </ul>
        </article>
    }
}

/// A named schema and its fields (required ones starred).
#[component]
fn Schema(name: String, schema: Value) -> impl IntoView {
    let required: Vec<String> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let fields: Vec<(String, Value)> =
        schema["properties"].as_object().into_iter().flatten().map(|(f, p)| (f.clone(), p.clone())).collect();
    let id = format!("schema-{name}");
    view! {
        <article id=id class="mt-6">
            <h3 class="font-mono text-lg font-semibold">{name}</h3>
            {schema["description"].as_str().map(|d| view! { <p class="text-slate-700">{d.to_string()}</p> })}
            <table class="mt-2 w-full text-left text-sm">
                <tbody>
                    {fields.into_iter().map(|(field, property)| {
                        let star = if required.contains(&field) { " *" } else { "" };
                        view! {
                            <tr class="border-t border-slate-100">
                                <td class="py-1 pr-3 font-mono">{format!("{field}{star}")}</td>
                                <td class="py-1 pr-3">{schema_name(&property)}</td>
                                <td class="py-1 text-slate-700">{text(&property["description"])}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </article>
    }
}

/// A schema as a reader names it: a link to a named one, `array of ...`,
/// alternatives joined by `or`, or the JSON type (and format).
fn schema_name(schema: &Value) -> AnyView {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference).to_string();
        return view! { <a href=format!("#schema-{name}")>{name.clone()}</a> }.into_any();
    }
    if let Some(items) = schema.get("items") {
        return view! { "array of " {schema_name(items)} }.into_any();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            let names: Vec<AnyView> = options
                .iter()
                .enumerate()
                .map(|(i, option)| view! { {(i > 0).then_some(" or ")} {schema_name(option)} }.into_any())
                .collect();
            return names.into_any();
        }
    }
    let name = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        Some(Value::String(t)) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{t} ({format})"),
            None => t.clone(),
        },
        _ => "any".into(),
    };
    name.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_problems_and_schemas_are_listed_and_text_stays_text() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "Milepost API", "description": "Events <in>, timelines out."},
            "components": {
                "securitySchemes": {"api_key": {"description": "Bearer key"}},
                "schemas": {
                    "EventIn": {
                        "required": ["source"],
                        "properties": {
                            "source": {"type": "string", "description": "Who saw it"},
                            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                            "at": {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
                        }
                    }
                }
            },
            "paths": {"/api/v1/events": {"post": {
                "summary": "Post events",
                "security": [{"api_key": ["events:write"]}],
                "parameters": [{"name": "dry_run", "in": "query", "description": "Check only"}],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventIn"}}}},
                "responses": {"202": {"description": "Accepted"}}
            }}}
        });
        let html = page(doc, &[("validation", "422: fields are invalid.")]);
        for text in [
            "<title>Milepost API reference</title>",
            "Events &lt;in&gt;, timelines out.",
            "<span class=\"font-bold uppercase\">post</span>",
            "/api/v1/events",
            "Auth: api_key events:write",
            "<code>dry_run</code>",
            "(query) Check only",
            "<a href=\"#schema-EventIn\">EventIn</a>",
            "<dt id=\"problem-validation\" class=\"font-mono font-semibold\">/api/docs#problem-validation</dt>",
            "<article id=\"schema-EventIn\"",
            "source *",
            "<a href=\"#schema-Line\">Line</a>",
            "string (date-time)",
            "data-testid=\"brand\"",
        ] {
            assert!(html.contains(text), "the reference lacks {text}: {html}");
        }
        assert!(!html.contains("<script") && !html.contains("noindex"), "{html}");
    }
}
