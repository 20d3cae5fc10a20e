// The influence-eval extension: starts `influence-eval lsp` (the program
// named by the `influenceEval.server.path` setting, `influence-eval` on the
// PATH by default) for .rules files, and hands it the `influenceEval`
// settings. Highlighting comes from the TextMate grammar in syntaxes/.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("influenceEval");
  const command = config.get<string>("server.path") || "influence-eval";
  return {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("influenceEval");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "influence-rules" }],
    initializationOptions: { dataFile: config.get<string>("dataFile") ?? "" },
    synchronize: { configurationSection: "influenceEval" },
  };
  client = new LanguageClient(
    "influenceEval",
    "influence-eval rules",
    serverOptions(),
    clientOptions,
  );
  try {
    await client.start();
  } catch (e) {
    const path = config.get<string>("server.path") || "influence-eval";
    void vscode.window.showErrorMessage(
      `influence-eval: could not start \`${path} lsp\` (${String(e)}). ` +
        "Install it with `cargo install --path .` from a checkout, or set influenceEval.server.path.",
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await start(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // a new server path needs a new server; the data file is sent on
      if (e.affectsConfiguration("influenceEval.server.path") && client) {
        await client.stop();
        await start(context);
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
