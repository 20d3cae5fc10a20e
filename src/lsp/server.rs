//! The server's loop and state: the open documents, each analysed on
//! demand for its latest version, the samples read, and the settings.
//! Diagnostics are debounced: they are published once no message has come
//! for [`DEBOUNCE`], for every document changed since the last time, from
//! its latest version.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde_json::{json, Value as Json};

use super::analysis::Analysis;
use super::features::{self, Text};
use super::position::LineIndex;
use super::sample::{sample_path, SampleCache};
use super::{complete, hover, uri};

/// The quiet time after the last message before diagnostics are published.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// One open document.
struct Document {
    text: String,
    version: i32,
    index: LineIndex,
    analysis: Option<Rc<Analysis>>,
    lenses: Option<Vec<CodeLens>>,
    /// Changed since its diagnostics were last published.
    dirty: bool,
}

/// What the server holds between messages.
#[derive(Default)]
struct Server {
    documents: HashMap<Uri, Document>,
    /// Documents closed since the last publication: their diagnostics are
    /// cleared then.
    closed: Vec<Uri>,
    samples: SampleCache,
    /// The `dataFile` setting.
    data_file: Option<String>,
    /// The workspace's folder, that a relative `dataFile` is read from.
    root: Option<PathBuf>,
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        ..ServerCapabilities::default()
    }
}

/// Runs the server on `connection` until the editor shuts it down.
pub(super) fn serve(connection: &Connection) -> Result<(), Failure> {
    let (id, params) = connection.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::default();
    #[allow(deprecated)] // `root_uri` is what older clients send
    let root = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first().map(|f| f.uri.clone()))
        .or(init.root_uri.clone());
    server.root = root.as_ref().and_then(uri::to_path);
    if let Some(o) = &init.initialization_options {
        server.configure(o);
    }
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "influence-eval", "version": env!("CARGO_PKG_VERSION")},
    });
    connection.initialize_finish(id, result)?;
    loop {
        let message = if !server.closed.is_empty() || server.documents.values().any(|d| d.dirty) {
            match connection.receiver.recv_timeout(DEBOUNCE) {
                Ok(m) => m,
                Err(e) if e.is_timeout() => {
                    server.publish(connection)?;
                    continue;
                }
                Err(_) => return Ok(()),
            }
        } else {
            match connection.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            }
        };
        match message {
            Message::Request(r) => {
                if connection.handle_shutdown(&r)? {
                    return Ok(());
                }
                let response = server.request(r);
                connection.sender.send(response.into())?;
            }
            Message::Notification(n) => server.notify(n),
            Message::Response(_) => {}
        }
    }
}

impl Server {
    /// Reads the settings: `{"dataFile": ...}`, or the same under
    /// `influenceEval` (as VS Code sends its configuration section).
    fn configure(&mut self, settings: &Json) {
        let section = settings.get("influenceEval").unwrap_or(settings);
        if let Some(v) = section.get("dataFile") {
            self.data_file = v.as_str().map(str::to_string);
            for d in self.documents.values_mut() {
                d.analysis = None;
                d.lenses = None;
                d.dirty = true;
            }
        }
    }

    fn notify(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.set_text(d.uri, d.text, d.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    // full sync: the last change holds the whole text
                    if let Some(c) = p.content_changes.into_iter().last() {
                        let d = p.text_document;
                        self.set_text(d.uri, c.text, d.version);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    self.documents.remove(&p.text_document.uri);
                    self.closed.push(p.text_document.uri);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                // the sample may have been saved too: look again
                for d in self.documents.values_mut() {
                    d.analysis = None;
                    d.lenses = None;
                }
            }
            note::DidChangeConfiguration::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeConfigurationParams>(n.params) {
                    self.configure(&p.settings);
                }
            }
            _ => {}
        }
    }

    fn set_text(&mut self, uri: Uri, text: String, version: i32) {
        let index = LineIndex::new(&text);
        self.documents.insert(
            uri,
            Document {
                text,
                version,
                index,
                analysis: None,
                lenses: None,
                dirty: true,
            },
        );
    }

    /// The analysis of the latest version of `uri`.
    fn analysis(&mut self, uri: &Uri) -> Option<Rc<Analysis>> {
        let d = self.documents.get(uri)?;
        if let Some(a) = &d.analysis {
            return Some(a.clone());
        }
        let path = uri::to_path(uri);
        let source = sample_path(
            &d.text,
            path.as_deref(),
            self.data_file.as_deref(),
            self.root.as_deref(),
        );
        let sample = source.map(|p| {
            let s = self.samples.get(&p);
            (p, s)
        });
        let name = path.map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let d = self.documents.get_mut(uri)?;
        let a = Rc::new(Analysis::of(&name, &d.text, sample));
        d.analysis = Some(a.clone());
        Some(a)
    }

    /// Publishes the diagnostics of every document changed since the last time.
    fn publish(&mut self, connection: &Connection) -> Result<(), Failure> {
        for uri in std::mem::take(&mut self.closed) {
            if !self.documents.contains_key(&uri) {
                let params = PublishDiagnosticsParams::new(uri, Vec::new(), None);
                let n = Notification::new(note::PublishDiagnostics::METHOD.to_string(), params);
                connection.sender.send(n.into())?;
            }
        }
        let dirty: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in dirty {
            let Some(a) = self.analysis(&uri) else {
                continue;
            };
            let Some(d) = self.documents.get_mut(&uri) else {
                continue;
            };
            d.dirty = false;
            let t = Text {
                text: &d.text,
                index: &d.index,
                uri: &uri,
            };
            let params = PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: a
                    .diagnostics
                    .iter()
                    .map(|x| features::diagnostic(&t, x))
                    .collect(),
                version: Some(d.version),
            };
            let n = Notification::new(note::PublishDiagnostics::METHOD.to_string(), params);
            connection.sender.send(n.into())?;
        }
        Ok(())
    }

    fn request(&mut self, r: Request) -> Response {
        let id = r.id.clone();
        match self.answer(r) {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn answer(&mut self, r: Request) -> Result<Json, (ErrorCode, String)> {
        let method = r.method.clone();
        let bad = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        let params = r.params;
        let value = match method.as_str() {
            req::HoverRequest::METHOD => {
                let p: HoverParams = serde_json::from_value(params).map_err(bad)?;
                let at = p.text_document_position_params;
                self.at(&at.text_document.uri, at.position, |t, a, offset| {
                    hover::hover(a, t.text, offset).map(|(md, span)| Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: md,
                        }),
                        range: Some(t.range(span)),
                    })
                })
                .map(|h| json!(h))
            }
            req::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = serde_json::from_value(params).map_err(bad)?;
                let at = p.text_document_position_params;
                self.at(&at.text_document.uri, at.position, |t, a, offset| {
                    features::definition(t, a, offset)
                })
                .map(|l| json!(l))
            }
            req::References::METHOD => {
                let p: ReferenceParams = serde_json::from_value(params).map_err(bad)?;
                let at = p.text_document_position;
                let decl = p.context.include_declaration;
                self.at(&at.text_document.uri, at.position, |t, a, offset| {
                    Some(features::references(t, a, offset, decl))
                })
                .map(|l| json!(l))
            }
            req::Completion::METHOD => {
                let p: CompletionParams = serde_json::from_value(params).map_err(bad)?;
                let at = p.text_document_position;
                self.at(&at.text_document.uri, at.position, |t, a, offset| {
                    Some(complete::complete(a, t.text, offset))
                })
                .map(|items| json!(items))
            }
            _ => return self.answer_document(&method, params),
        };
        Ok(value.unwrap_or(Json::Null))
    }

    /// The requests about a whole document.
    fn answer_document(&mut self, method: &str, params: Json) -> Result<Json, (ErrorCode, String)> {
        let bad = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        let value = match method {
            req::Formatting::METHOD => {
                let p: DocumentFormattingParams = serde_json::from_value(params).map_err(bad)?;
                self.whole(&p.text_document.uri, |t, _| features::format(t))
                    .map(|e| json!(e))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = serde_json::from_value(params).map_err(bad)?;
                self.whole(&p.text_document.uri, |t, a| Some(features::outline(t, a)))
                    .map(|s| json!(s))
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = serde_json::from_value(params).map_err(bad)?;
                let range = p.range;
                self.whole(&p.text_document.uri, |t, a| {
                    Some(features::quick_fixes(t, a, range))
                })
                .map(|s| json!(s))
            }
            req::CodeLensRequest::METHOD => {
                let p: CodeLensParams = serde_json::from_value(params).map_err(bad)?;
                self.lenses(&p.text_document.uri).map(|l| json!(l))
            }
            _ => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("influence-eval lsp does not answer {method}"),
                ))
            }
        };
        Ok(value.unwrap_or(Json::Null))
    }

    /// Answers from the analysis of `uri` at `pos`.
    fn at<T>(
        &mut self,
        uri: &Uri,
        pos: Position,
        f: impl FnOnce(&Text, &Analysis, usize) -> Option<T>,
    ) -> Option<T> {
        let a = self.analysis(uri)?;
        let d = self.documents.get(uri)?;
        let t = Text {
            text: &d.text,
            index: &d.index,
            uri,
        };
        f(&t, &a, d.index.offset(&d.text, pos))
    }

    /// Answers from the analysis of the whole of `uri`.
    fn whole<T>(&mut self, uri: &Uri, f: impl FnOnce(&Text, &Analysis) -> Option<T>) -> Option<T> {
        self.at(uri, Position::new(0, 0), |t, a, _| f(t, a))
    }

    /// The lenses of `uri`, worked out once per version (screening the
    /// sample is the slowest answer).
    fn lenses(&mut self, uri: &Uri) -> Option<Vec<CodeLens>> {
        if let Some(l) = self.documents.get(uri).and_then(|d| d.lenses.clone()) {
            return Some(l);
        }
        let lenses = self.whole(uri, |t, a| Some(features::lenses(t, a)))?;
        if let Some(d) = self.documents.get_mut(uri) {
            d.lenses = Some(lenses.clone());
        }
        Some(lenses)
    }
}
