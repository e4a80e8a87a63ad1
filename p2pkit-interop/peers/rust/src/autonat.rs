//! rust-libp2p AutoNAT peer of p2pkit's interop suite (libp2p-autonat 0.16, v1 and v2).
//!
//!   autonat-peer --mode server|v1-server --listen ADDR
//!   autonat-peer --mode v2-client --listen ADDR --dial SERVER/p2p/ID
//!   autonat-peer --mode v1-client --listen ADDR --dial SERVER/p2p/ID
//!
//! The server answers v2 (/libp2p/autonat/2/dial-request) and v1 (/libp2p/autonat/1.0.0), the v1
//! server only v1, and both report every request they served. The v2 client tests the address candidates identify gives it
//! (what the server saw) with the server it dialed; the v1 client probes its listen and observed
//! addresses with that server. rust-libp2p's v1 only serves and uses peers at global IP addresses,
//! so these run in p2pkit's NAT testbed. TCP with noise and yamux only. Events go to stdout as one
//! JSON object per line; diagnostics go to stderr.

use std::process::exit;
use std::time::Duration;

use futures::StreamExt;
use libp2p::autonat;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::{NetworkBehaviour, Swarm, SwarmEvent};
use libp2p::{identify, noise, tcp, yamux, Multiaddr, PeerId, SwarmBuilder};
use serde_json::{json, Value};

const AGENT: &str = "p2pkit-interop/rust-libp2p-0.57.1-autonat";
const PROTOCOL: &str = "/ipfs/id/1.0.0";
const RUN_FOR: Duration = Duration::from_secs(120);

fn emit(v: Value) {
    println!("{v}");
}

fn fail(step: &str, message: impl std::fmt::Display) -> ! {
    emit(json!({"event": "error", "step": step, "message": message.to_string()}));
    exit(1)
}

fn usage(msg: &str) -> ! {
    eprintln!("autonat-peer: {msg}");
    eprintln!("usage: autonat-peer --mode server|v2-client|v1-client --listen MADDR [--dial MADDR/p2p/ID]");
    exit(2)
}

#[derive(NetworkBehaviour)]
struct Server {
    identify: identify::Behaviour,
    v2: Toggle<autonat::v2::server::Behaviour>,
    v1: autonat::v1::Behaviour,
}

#[derive(NetworkBehaviour)]
struct V2Client {
    identify: identify::Behaviour,
    v2: autonat::v2::client::Behaviour,
}

#[derive(NetworkBehaviour)]
struct V1Client {
    identify: identify::Behaviour,
    v1: autonat::v1::Behaviour,
}

fn identify_for(key: &libp2p::identity::Keypair) -> identify::Behaviour {
    identify::Behaviour::new(identify::Config::new(PROTOCOL.into(), key.public()).with_agent_version(AGENT.into()))
}

fn swarm<B: NetworkBehaviour>(make: impl FnOnce(&libp2p::identity::Keypair) -> B) -> Swarm<B> {
    SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .unwrap_or_else(|e| fail("setup", e))
        .with_behaviour(|key| make(key))
        .unwrap_or_else(|e| fail("setup", e))
        .with_swarm_config(|c| c.with_idle_connection_timeout(RUN_FOR))
        .build()
}

/// Listens and waits for the first listen address, which it reports.
async fn listen<B: NetworkBehaviour>(swarm: &mut Swarm<B>, addr: Multiaddr) {
    swarm.listen_on(addr).unwrap_or_else(|e| fail("listen", e));
    loop {
        if let SwarmEvent::NewListenAddr { address, .. } = swarm.select_next_some().await {
            let me = *swarm.local_peer_id();
            let full = address.with(Protocol::P2p(me));
            emit(json!({"event": "listening", "peer": me.to_string(), "addrs": [full.to_string()]}));
            return;
        }
    }
}

fn server_of(dial: &Multiaddr) -> PeerId {
    match dial.iter().last() {
        Some(Protocol::P2p(id)) => id,
        _ => usage("--dial needs /p2p/ID"),
    }
}

fn v1_config() -> autonat::v1::Config {
    autonat::v1::Config {
        boot_delay: Duration::from_secs(1),
        retry_interval: Duration::from_secs(5),
        refresh_interval: Duration::from_secs(5),
        throttle_server_period: Duration::ZERO,
        ..Default::default()
    }
}

async fn server(listen_on: Multiaddr, with_v2: bool) {
    let mut swarm = swarm(|key| Server {
        identify: identify_for(key),
        v2: Toggle::from(with_v2.then(autonat::v2::server::Behaviour::default)),
        v1: autonat::v1::Behaviour::new(key.public().to_peer_id(), v1_config()),
    });
    listen(&mut swarm, listen_on).await;
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::Behaviour(ServerEvent::V2(e)) => emit(json!({"event": "v2-served",
                "client": e.client.to_string(), "addr": e.tested_addr.to_string(), "dial_data": e.data_amount,
                "ok": e.result.is_ok(), "error": e.result.err().map(|x| x.to_string())})),
            SwarmEvent::Behaviour(ServerEvent::V1(autonat::v1::Event::InboundProbe(e))) => {
                emit(json!({"event": "v1-served", "detail": format!("{e:?}")}))
            }
            other => eprintln!("{other:?}"),
        }
    }
}

async fn v2_client(listen_on: Multiaddr, dial: Multiaddr) {
    let mut swarm = swarm(|key| V2Client {
        identify: identify_for(key),
        // probes untested candidates every 5 s (its default; new() wants rand 0.10's Rng)
        v2: autonat::v2::client::Behaviour::default(),
    });
    listen(&mut swarm, listen_on).await;
    let server = server_of(&dial);
    swarm.dial(dial).unwrap_or_else(|e| fail("dial", e));
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::Behaviour(V2ClientEvent::V2(e)) => emit(json!({"event": "v2-result",
                "server": e.server.to_string(), "expected_server": server.to_string(),
                "addr": e.tested_addr.to_string(), "dial_data": e.bytes_sent,
                "reachability": if e.result.is_ok() { "public" } else { "private" },
                "error": e.result.err().map(|x| x.to_string())})),
            SwarmEvent::OutgoingConnectionError { error, .. } => fail("dial", error),
            other => eprintln!("{other:?}"),
        }
    }
}

async fn v1_client(listen_on: Multiaddr, dial: Multiaddr) {
    let mut swarm = swarm(|key| V1Client {
        identify: identify_for(key),
        v1: autonat::v1::Behaviour::new(key.public().to_peer_id(), v1_config()),
    });
    listen(&mut swarm, listen_on).await;
    let server = server_of(&dial);
    swarm.behaviour_mut().v1.add_server(server, Some(dial.clone()));
    swarm.dial(dial).unwrap_or_else(|e| fail("dial", e));
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::Behaviour(V1ClientEvent::V1(autonat::v1::Event::OutboundProbe(e))) => match e {
                autonat::v1::OutboundProbeEvent::Response { address, .. } => {
                    emit(json!({"event": "v1-result", "status": "ok", "addr": address.to_string()}))
                }
                autonat::v1::OutboundProbeEvent::Error { error, .. } => {
                    let status = match &error {
                        autonat::v1::OutboundProbeError::Response(autonat::v1::ResponseError::DialError) => "dial-error",
                        autonat::v1::OutboundProbeError::Response(autonat::v1::ResponseError::DialRefused) => "refused",
                        _ => "error",
                    };
                    emit(json!({"event": "v1-result", "status": status, "error": format!("{error:?}")}))
                }
                request => eprintln!("{request:?}"),
            },
            SwarmEvent::Behaviour(V1ClientEvent::V1(autonat::v1::Event::StatusChanged { new, .. })) => {
                emit(json!({"event": "v1-status", "status": format!("{new:?}")}))
            }
            other => eprintln!("{other:?}"),
        }
    }
}

#[tokio::main]
async fn main() {
    let mut mode = None;
    let mut listen_on: Multiaddr = "/ip4/127.0.0.1/tcp/0".parse().expect("a valid default");
    let mut dial: Option<Multiaddr> = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--mode" => mode = Some(value),
            "--listen" => listen_on = value.parse().unwrap_or_else(|e| usage(&format!("bad --listen: {e}"))),
            "--dial" => dial = Some(value.parse().unwrap_or_else(|e| usage(&format!("bad --dial: {e}")))),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    let work = async {
        match (mode.as_deref(), dial) {
            (Some("server"), _) => server(listen_on, true).await,
            (Some("v1-server"), _) => server(listen_on, false).await,
            (Some("v2-client"), Some(d)) => v2_client(listen_on, d).await,
            (Some("v1-client"), Some(d)) => v1_client(listen_on, d).await,
            _ => usage("--mode server or v1-server, or --mode v2-client|v1-client with --dial"),
        }
    };
    // every run ends: the harness stops the process sooner, this bounds a forgotten one
    if tokio::time::timeout(RUN_FOR, work).await.is_err() {
        fail("run", "gave up after 120 s");
    }
}
