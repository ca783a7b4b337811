//! `briefing serve`.

use super::today;
use crate::pipeline::BuildOptions;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct ServeArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; the default is reachable only from this machine.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

pub(super) fn run(args: ServeArgs) -> ExitCode {
    let opts = crate::commands::serve::ServeOptions {
        build: BuildOptions {
            minify: false,
            drafts: args.drafts,
            today: Some(today()),
            ..BuildOptions::new(args.root)
        },
        addr: std::net::SocketAddr::new(args.bind, args.port),
        open: args.open,
    };
    let result = crate::commands::serve::run(opts, |control| {
        if let Err(e) = ctrlc::set_handler(move || control.stop()) {
            eprintln!("warning: cannot handle Ctrl-C: {e}");
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
