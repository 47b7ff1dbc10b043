//! Command-line definitions: every subcommand and flag.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ecsnap",
    version,
    about = "A terminal console for stateful containers on Amazon ECS",
    long_about = "ecsnap shows ECS services and tasks with their EBS volumes, per-user container \
                  snapshots kept as ECR image tags, and orphaned EBS volumes and snapshots.\n\n\
                  Without a command it opens the console. Every listing also exists as a command \
                  with --json output for scripts and cron.",
    after_help = "Exit codes: 0 success, 1 error, 2 usage, 3 rollout failed, 4 timed out, 5 refused."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// AWS profile to use (default: AWS_PROFILE or the default chain)
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// AWS region (default: AWS_REGION or the profile's region)
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Send every AWS request to this endpoint (also AWS_ENDPOINT_URL), e.g. a local emulator
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Refuse every mutating call before it is sent
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Config file (default: $XDG_CONFIG_HOME/ecsnap/config.toml)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print JSON instead of a table
    #[arg(long, global = true)]
    pub json: bool,
    /// No colours (NO_COLOR is respected too)
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List ECS services with their steadiness and deployments
    Services {
        /// Only this cluster
        #[arg(long)]
        cluster: Option<String>,
    },
    /// List the tasks of a cluster (or one service) with their EBS volumes
    Tasks {
        #[arg(long)]
        cluster: String,
        /// Only tasks started by this service
        #[arg(long)]
        service: Option<String>,
    },
    /// List per-user snapshot tags in ECR, newest first, with sizes and in-use markers
    Snapshots {
        /// Only this repository
        #[arg(long)]
        repository: Option<String>,
        /// Only this user
        #[arg(long)]
        user: Option<String>,
    },
    /// List orphaned EBS volumes and snapshots with age and monthly cost
    Orphans {
        /// Only resources created at least this many days ago
        #[arg(long, value_name = "DAYS")]
        min_age: Option<u32>,
    },
    /// Start a local AWS emulator with a seeded demo fleet and show it
    Demo {
        /// Keep the emulator running (until Ctrl-C) and print how to point ecsnap at it
        #[arg(long)]
        serve: bool,
    },
}
