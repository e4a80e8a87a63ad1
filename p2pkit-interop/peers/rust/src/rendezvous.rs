//! rust-libp2p rendezvous peer of p2pkit's interop suite (libp2p-rendezvous 0.18, /rendezvous/1.0.0).
//!
//!   rendezvous-peer --mode server --listen ADDR
//!   rendezvous-peer --mode client --listen ADDR --dial POINT/p2p/ID --ns NS [--register] [--discover] [--unregister]
//!
//! The server reports every registration, unregistration and discover it served. The client
//! connects to the point, then, in order and each when the one before is done: registers with
//! its listen address (--register), discovers NS twice, the second time with the first answer's
//! cookie (--discover), and unregisters (--unregister); then it stays connected. TCP with noise
//! and yamux only. Events go to stdout as one JSON object per line; diagnostics go to stderr.

use std::process::exit;
use std::time::Duration;

use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::rendezvous::{self, Cookie, Namespace};
use libp2p::swarm::{Swarm, SwarmEvent};
use libp2p::{noise, tcp, yamux, Multiaddr, PeerId, SwarmBuilder};
use serde_json::{json, Value};

const RUN_FOR: Duration = Duration::from_secs(120);

fn emit(v: Value) {
    println!("{v}");
}

fn fail(step: &str, message: impl std::fmt::Display) -> ! {
    emit(json!({"event": "error", "step": step, "message": message.to_string()}));
    exit(1)
}

fn usage(msg: &str) -> ! {
    eprintln!("rendezvous-peer: {msg}");
    eprintln!("usage: rendezvous-peer --mode server|client --listen MADDR [--dial MADDR/p2p/ID --ns NS [--register] [--discover] [--unregister]]");
    exit(2)
}

fn swarm<B: libp2p::swarm::NetworkBehaviour>(make: impl FnOnce(&libp2p::identity::Keypair) -> B) -> Swarm<B> {
    SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .unwrap_or_else(|e| fail("setup", e))
        .with_behaviour(|key| make(key))
        .unwrap_or_else(|e| fail("setup", e))
        .with_swarm_config(|c| c.with_idle_connection_timeout(RUN_FOR))
        .build()
}

/// Listens and waits for the first listen address, which it reports and returns.
async fn listen<B: libp2p::swarm::NetworkBehaviour>(swarm: &mut Swarm<B>, addr: Multiaddr) -> Multiaddr {
    swarm.listen_on(addr).unwrap_or_else(|e| fail("listen", e));
    loop {
        if let SwarmEvent::NewListenAddr { address, .. } = swarm.select_next_some().await {
            let me = *swarm.local_peer_id();
            let full = address.clone().with(Protocol::P2p(me));
            emit(json!({"event": "listening", "peer": me.to_string(), "addrs": [full.to_string()]}));
            return address;
        }
    }
}

fn registrations(regs: &[rendezvous::Registration]) -> Value {
    Value::Array(regs.iter().map(|r| json!({
        "peer": r.record.peer_id().to_string(),
        "ns": r.namespace.to_string(),
        "ttl": r.ttl,
        "addrs": r.record.addresses().iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    })).collect())
}

async fn server(listen_on: Multiaddr) {
    let mut swarm = swarm(|_| rendezvous::server::Behaviour::new(rendezvous::server::Config::default()));
    listen(&mut swarm, listen_on).await;
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::Behaviour(rendezvous::server::Event::PeerRegistered { peer, registration }) => emit(json!({
                "event": "registered", "peer": peer.to_string(), "ns": registration.namespace.to_string(),
                "ttl": registration.ttl})),
            SwarmEvent::Behaviour(rendezvous::server::Event::PeerNotRegistered { peer, namespace, error }) => emit(json!({
                "event": "register-refused", "peer": peer.to_string(), "ns": namespace.to_string(),
                "error": format!("{error:?}")})),
            SwarmEvent::Behaviour(rendezvous::server::Event::PeerUnregistered { peer, namespace }) => emit(json!({
                "event": "unregistered", "peer": peer.to_string(), "ns": namespace.to_string()})),
            SwarmEvent::Behaviour(rendezvous::server::Event::DiscoverServed { enquirer, registrations: regs }) => emit(json!({
                "event": "discover-served", "peer": enquirer.to_string(), "registrations": registrations(&regs)})),
            SwarmEvent::Behaviour(rendezvous::server::Event::DiscoverNotServed { enquirer, error }) => emit(json!({
                "event": "discover-refused", "peer": enquirer.to_string(), "error": format!("{error:?}")})),
            other => eprintln!("{other:?}"),
        }
    }
}

struct Steps {
    register: bool,
    discover: bool,
    unregister: bool,
}

async fn client(listen_on: Multiaddr, dial: Multiaddr, ns: Namespace, mut steps: Steps) {
    let mut swarm = swarm(|key| rendezvous::client::Behaviour::new(key.clone()));
    let addr = listen(&mut swarm, listen_on).await;
    // the record registered carries the external addresses; on loopback the listen address is one
    swarm.add_external_address(addr);
    let point = match dial.iter().last() {
        Some(Protocol::P2p(id)) => id,
        _ => usage("--dial needs /p2p/ID"),
    };
    swarm.dial(dial).unwrap_or_else(|e| fail("dial", e));
    let mut discovered_once: Option<Cookie> = None;
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == point => {
                emit(json!({"event": "connected", "peer": peer_id.to_string()}));
                next_step(&mut swarm, point, &ns, &mut steps, None);
            }
            SwarmEvent::Behaviour(rendezvous::client::Event::Registered { namespace, ttl, .. }) => {
                emit(json!({"event": "registered", "ns": namespace.to_string(), "ttl": ttl}));
                next_step(&mut swarm, point, &ns, &mut steps, None);
            }
            SwarmEvent::Behaviour(rendezvous::client::Event::RegisterFailed { namespace, error, .. }) => {
                emit(json!({"event": "register-failed", "ns": namespace.to_string(), "error": format!("{error:?}")}));
            }
            SwarmEvent::Behaviour(rendezvous::client::Event::Discovered { registrations: regs, cookie, .. }) => {
                let page = if discovered_once.is_none() { 1 } else { 2 };
                emit(json!({"event": "discovered", "page": page, "registrations": registrations(&regs),
                    "cookie_bytes": cookie.clone().into_wire_encoding().len()}));
                if discovered_once.is_none() {
                    discovered_once = Some(cookie.clone());
                    swarm.behaviour_mut().discover(Some(ns.clone()), Some(cookie), None, point);
                } else {
                    next_step(&mut swarm, point, &ns, &mut steps, None);
                }
            }
            SwarmEvent::Behaviour(rendezvous::client::Event::DiscoverFailed { error, .. }) => {
                emit(json!({"event": "discover-failed", "error": format!("{error:?}")}));
            }
            SwarmEvent::OutgoingConnectionError { error, .. } => fail("dial", error),
            other => eprintln!("{other:?}"),
        }
    }
}

/// Starts the first step not yet done.
fn next_step(swarm: &mut Swarm<rendezvous::client::Behaviour>, point: PeerId, ns: &Namespace, steps: &mut Steps,
             _cookie: Option<Cookie>) {
    if steps.register {
        steps.register = false;
        if let Err(e) = swarm.behaviour_mut().register(ns.clone(), point, None) {
            fail("register", e);
        }
    } else if steps.discover {
        steps.discover = false;
        swarm.behaviour_mut().discover(Some(ns.clone()), None, None, point);
    } else if steps.unregister {
        steps.unregister = false;
        swarm.behaviour_mut().unregister(ns.clone(), point);
        emit(json!({"event": "unregister-sent", "ns": ns.to_string()}));
    } else {
        emit(json!({"event": "done"}));
    }
}

#[tokio::main]
async fn main() {
    let mut mode = None;
    let mut listen_on: Multiaddr = "/ip4/127.0.0.1/tcp/0".parse().expect("a valid default");
    let mut dial: Option<Multiaddr> = None;
    let mut ns: Option<String> = None;
    let mut steps = Steps { register: false, discover: false, unregister: false };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--register" => { steps.register = true; continue; }
            "--discover" => { steps.discover = true; continue; }
            "--unregister" => { steps.unregister = true; continue; }
            _ => {}
        }
        let value = it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--mode" => mode = Some(value),
            "--listen" => listen_on = value.parse().unwrap_or_else(|e| usage(&format!("bad --listen: {e}"))),
            "--dial" => dial = Some(value.parse().unwrap_or_else(|e| usage(&format!("bad --dial: {e}")))),
            "--ns" => ns = Some(value),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    let work = async {
        match (mode.as_deref(), dial, ns) {
            (Some("server"), _, _) => server(listen_on).await,
            (Some("client"), Some(d), Some(n)) => {
                let n = Namespace::new(n).unwrap_or_else(|_| usage("namespace too long"));
                client(listen_on, d, n, steps).await
            }
            _ => usage("--mode server, or --mode client with --dial and --ns"),
        }
    };
    // every run ends: the harness stops the process sooner, this bounds a forgotten one
    if tokio::time::timeout(RUN_FOR, work).await.is_err() {
        fail("run", "gave up after 120 s");
    }
}
