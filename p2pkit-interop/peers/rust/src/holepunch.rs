//! rust-libp2p hole punching peer of p2pkit's interop suite (libp2p-dcutr 0.15 with the relay
//! client of libp2p-relay 0.22), for the NAT testbed.
//!
//!   holepunch-peer --listen ADDR --reserve RELAY/p2p/ID
//!   holepunch-peer --listen ADDR --dial RELAY/p2p/ID/p2p-circuit/p2p/PEER
//!
//! With --reserve it listens through the relay and reports "ready" and "reserved"; with --dial
//! it connects to the relay, waits until identify has told it how the relay sees it (its
//! address candidate for DCUtR) and then dials the peer through the relay ("connected", with its
//! own ID as "self"). Both report every DCUtR outcome as {"event":"holePunch",…} and every
//! connection opened or closed as {"event":"conn","state":"open"|"closed",…}, and run until stdin
//! closes. TCP (noise, yamux) and QUIC v1: the transport follows the --listen address, and over
//! QUIC libp2p-dcutr's listener-role dial is libp2p-quic's hole punch (random packets while
//! waiting for the peer's dial). Events go to stdout as one JSON object per line;
//! diagnostics go to stderr.

use std::process::exit;
use std::time::Duration;

use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{NetworkBehaviour, Swarm, SwarmEvent};
use libp2p::{dcutr, identify, noise, ping, relay, tcp, yamux, Multiaddr, PeerId, SwarmBuilder};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

const AGENT: &str = "p2pkit-interop/rust-libp2p-0.57.1-holepunch";
const PROTOCOL: &str = "/ipfs/id/1.0.0";
const STEP: Duration = Duration::from_secs(60);

fn emit(v: Value) {
    println!("{v}");
}

fn fail(step: &str, message: impl std::fmt::Display) -> ! {
    emit(json!({"event": "error", "step": step, "message": message.to_string()}));
    exit(1)
}

fn usage(msg: &str) -> ! {
    eprintln!("holepunch-peer: {msg}");
    eprintln!("usage: holepunch-peer --listen MADDR (--reserve RELAY/p2p/ID | --dial RELAY/p2p/ID/p2p-circuit/p2p/PEER)");
    exit(2)
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    relay_client: relay::client::Behaviour,
    dcutr: dcutr::Behaviour,
}

struct Args {
    listen: Multiaddr,
    reserve: Option<Multiaddr>,
    dial: Option<Multiaddr>,
}

fn args() -> Args {
    let (mut listen, mut reserve, mut dial) = (None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let addr: Multiaddr = value.parse().unwrap_or_else(|e| usage(&format!("bad {flag}: {e}")));
        match flag.as_str() {
            "--listen" => listen = Some(addr),
            "--reserve" => reserve = Some(addr),
            "--dial" => dial = Some(addr),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    if reserve.is_some() == dial.is_some() {
        usage("give exactly one of --reserve and --dial");
    }
    Args { listen: listen.unwrap_or_else(|| usage("--listen is required")), reserve, dial }
}

fn is_relayed(a: &Multiaddr) -> bool {
    a.iter().any(|p| p == Protocol::P2pCircuit)
}

/// The remote address of a connection; an inbound relayed one's is only /p2p/ID, so it is told as
/// our relayed listen address followed by that.
fn remote_of(endpoint: &ConnectedPoint) -> String {
    match endpoint {
        ConnectedPoint::Listener { local_addr, send_back_addr } if endpoint.is_relayed() && !is_relayed(send_back_addr) => {
            format!("{local_addr}{send_back_addr}")
        }
        _ => endpoint.get_remote_address().to_string(),
    }
}

fn peer_of(a: &Multiaddr) -> PeerId {
    match a.iter().last() {
        Some(Protocol::P2p(id)) => id,
        _ => usage(&format!("{a} does not end in /p2p/ID")),
    }
}

/// The relay part of a .../p2p/RELAY/p2p-circuit/p2p/PEER address.
fn relay_of(a: &Multiaddr) -> Multiaddr {
    a.iter().take_while(|p| *p != Protocol::P2pCircuit).collect()
}

#[tokio::main]
async fn main() {
    let args = args();
    let mut swarm: Swarm<Behaviour> = SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .unwrap_or_else(|e| fail("setup", e))
        .with_quic()
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .unwrap_or_else(|e| fail("setup", e))
        .with_behaviour(|key, relay_client| Behaviour {
            identify: identify::Behaviour::new(
                identify::Config::new(PROTOCOL.into(), key.public()).with_agent_version(AGENT.into()),
            ),
            ping: ping::Behaviour::new(ping::Config::new()),
            relay_client,
            dcutr: dcutr::Behaviour::new(key.public().to_peer_id()),
        })
        .unwrap_or_else(|e| fail("setup", e))
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
        .build();
    let me = *swarm.local_peer_id();
    swarm.listen_on(args.listen.clone()).unwrap_or_else(|e| fail("listen", e));

    // the relay first: its identify gives us the address candidate DCUtR offers. It is dialed
    // once the listener is up, so that the dial leaves from the listening port (port reuse).
    let target = args.reserve.clone().or(args.dial.as_ref().map(relay_of)).unwrap();
    let relay_id = peer_of(&target);
    let mut relay_dialed = false;

    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 512];
    let mut circuit_started = false;
    let deadline = tokio::time::sleep(STEP);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            n = stdin.read(&mut buf) => {
                if matches!(n, Ok(0) | Err(_)) {
                    return;
                }
            }
            _ = &mut deadline, if !circuit_started => fail("relay", "no identify from the relay in time"),
            event = swarm.select_next_some() => match event {
                SwarmEvent::NewListenAddr { address, .. } if is_relayed(&address) => {
                    emit(json!({"event": "reserved", "addrs": [address.to_string()]}));
                }
                SwarmEvent::NewListenAddr { .. } if !relay_dialed => {
                    relay_dialed = true;
                    swarm.dial(target.clone()).unwrap_or_else(|e| fail("connect", e));
                }
                SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }))
                    if peer_id == relay_id && !circuit_started => {
                    circuit_started = true;
                    eprintln!("the relay sees us at {}", info.observed_addr);
                    emit(json!({"event": "dcutrReady", "observed": info.observed_addr.to_string()}));
                    if let Some(relay_addr) = &args.reserve {
                        swarm.listen_on(relay_addr.clone().with(Protocol::P2pCircuit)).unwrap_or_else(|e| fail("reserve", e));
                        emit(json!({"event": "ready", "peerId": me.to_string()}));
                    } else if let Some(circuit) = &args.dial {
                        swarm.dial(circuit.clone()).unwrap_or_else(|e| fail("connect", e));
                    }
                }
                SwarmEvent::Behaviour(BehaviourEvent::Dcutr(dcutr::Event { remote_peer_id, result })) => {
                    emit(json!({"event": "holePunch", "peerId": remote_peer_id.to_string(), "success": result.is_ok(),
                        "error": result.err().map(|e| e.to_string()).unwrap_or_default()}));
                }
                SwarmEvent::ConnectionEstablished { peer_id, endpoint, .. } => {
                    let addr = remote_of(&endpoint);
                    emit(json!({"event": "conn", "state": "open", "peerId": peer_id.to_string(), "addr": addr,
                        "limited": endpoint.is_relayed()}));
                    if args.dial.as_ref().is_some_and(|c| peer_id == peer_of(c) && endpoint.is_relayed()) {
                        emit(json!({"event": "connected", "self": me.to_string(), "peerId": peer_id.to_string(),
                            "addr": addr, "limited": true}));
                    }
                }
                SwarmEvent::ConnectionClosed { peer_id, endpoint, .. } => {
                    emit(json!({"event": "conn", "state": "closed", "peerId": peer_id.to_string(), "addr": remote_of(&endpoint),
                        "limited": endpoint.is_relayed()}));
                }
                SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                    eprintln!("dial of {peer_id:?} failed: {error}");
                    if peer_id == Some(relay_id) {
                        fail("connect", error);
                    }
                }
                SwarmEvent::ListenerClosed { addresses, reason, .. } if addresses.iter().any(is_relayed) => {
                    fail("reserve", format!("listener closed: {reason:?}"));
                }
                other => eprintln!("{other:?}"),
            }
        }
    }
}
