//! rust-libp2p mDNS peer of p2pkit's interop suite (libp2p-mdns 0.49 with tokio).
//!
//!   mdns-peer --listen ADDR [--ipv6]
//!
//! Listens on ADDR (TCP, noise, yamux), announces itself and browses with mDNS (queries every
//! 2 s; IPv6 with --ipv6, IPv4 otherwise), dials every peer mDNS reports and pings it. One JSON
//! object a line on stdout: listening, discovered (peer, addr), pinged (peer); diagnostics on
//! stderr. Runs inside p2pkit's namespace LAN only: mDNS multicasts on every interface.

use std::process::exit;
use std::time::Duration;

use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{mdns, noise, ping, tcp, yamux, Multiaddr, SwarmBuilder};
use serde_json::{json, Value};

fn emit(v: Value) {
    println!("{v}");
}

fn fail(step: &str, message: impl std::fmt::Display) -> ! {
    emit(json!({"event": "error", "step": step, "message": message.to_string()}));
    exit(1)
}

#[derive(NetworkBehaviour)]
struct Peer {
    mdns: mdns::tokio::Behaviour,
    ping: ping::Behaviour,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut listen: Option<Multiaddr> = None;
    let mut ipv6 = false;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--listen" if i + 1 < args.len() => {
                listen = Some(args[i + 1].parse().unwrap_or_else(|e| fail("args", e)));
                i += 1;
            }
            "--ipv6" => ipv6 = true,
            other => fail("args", format!("unknown argument {other}; usage: mdns-peer --listen ADDR [--ipv6]")),
        }
        i += 1;
    }
    let listen = listen.unwrap_or_else(|| fail("args", "--listen ADDR is required"));
    let mut swarm = SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .unwrap_or_else(|e| fail("setup", e))
        .with_behaviour(|key| {
            let config = mdns::Config {
                query_interval: Duration::from_secs(2),
                enable_ipv6: ipv6,
                ..Default::default()
            };
            Ok(Peer {
                mdns: mdns::tokio::Behaviour::new(config, key.public().to_peer_id())?,
                ping: ping::Behaviour::new(ping::Config::new().with_interval(Duration::from_secs(1))),
            })
        })
        .unwrap_or_else(|e| fail("setup", e))
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build();
    swarm.listen_on(listen).unwrap_or_else(|e| fail("listen", e));
    let me = *swarm.local_peer_id();
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::NewListenAddr { address, .. } => {
                emit(json!({"event": "listening", "peer": me.to_string(),
                    "addr": address.with(Protocol::P2p(me)).to_string()}))
            }
            SwarmEvent::Behaviour(PeerEvent::Mdns(mdns::Event::Discovered(found))) => {
                for (peer, addr) in found {
                    emit(json!({"event": "discovered", "peer": peer.to_string(), "addr": addr.to_string()}));
                    if let Err(e) = swarm.dial(addr) {
                        eprintln!("dial {peer}: {e}");
                    }
                }
            }
            SwarmEvent::Behaviour(PeerEvent::Ping(ping::Event { peer, result: Ok(rtt), .. })) => {
                emit(json!({"event": "pinged", "peer": peer.to_string(), "rtt_us": rtt.as_micros() as u64}))
            }
            other => eprintln!("{other:?}"),
        }
    }
}
