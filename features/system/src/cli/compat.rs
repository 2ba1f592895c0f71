//! Global lines of real IOS configs about services LiSA-DP does not run or
//! runs its own way (`service ...`, `version`, `boot system` and its
//! markers, the DNS
//! resolver, the HTTP server, AAA): taken as IOS takes them, with no
//! effect, where that changes nothing a user relies on; refused with what
//! to do instead where the line asks for something LiSA-DP lacks.

use lisa_engine::text::{no_effect, reject};
use lisa_engine::{arg, kw, ApplyError, ArgKind, Args, ConfigCtx, ConfigHandler, Node};

fn http_server(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "LiSA-DP has no HTTP server: manage it with swcli or the gRPC API",
    ))
}

fn aaa_new_model(_: &mut ConfigCtx<'_>, _: &Args) -> Result<(), ApplyError> {
    Err(reject(
        "AAA is not supported: access to swcli and the API is by the control socket's permissions",
    ))
}

/// Global-mode lines, and their `no`.
pub fn global_commands() -> Vec<Node<ConfigHandler>> {
    let no_effect = no_effect as ConfigHandler;
    let rest = |help| vec![arg("rest", ArgKind::Line, help, vec![]).runs(no_effect)];
    let service = || {
        kw(
            "service",
            "Modify use of network based services",
            rest("The service (timestamps, password-encryption, ...): no effect here"),
        )
    };
    let lookup = || {
        kw(
            "lookup",
            "Enable IP Domain Name System hostname translation",
            vec![],
        )
        .runs(no_effect)
    };
    let aaa = |new_model: ConfigHandler| {
        kw(
            "aaa",
            "Authentication, Authorization and Accounting.",
            vec![kw(
                "new-model",
                "Enable NEW access control commands and functions",
                vec![],
            )
            .runs(new_model)],
        )
    };
    let http = |server: ConfigHandler| {
        kw(
            "http",
            "HTTP server configuration",
            vec![
                kw("server", "Enable HTTP server", vec![]).runs(server),
                kw("secure-server", "Enable HTTP secure server", vec![]).runs(server),
            ],
        )
    };
    vec![
        service(),
        kw(
            "version",
            "Version",
            rest("The IOS version the config was written by"),
        ),
        kw("boot-start-marker", "Start of the boot commands", vec![]).runs(no_effect),
        // The image to boot: LiSA-DP has one, lisad.
        kw(
            "boot",
            "Modify system boot parameters",
            vec![kw(
                "system",
                "System image file",
                rest("The image (flash:...): no effect, lisad is the image"),
            )],
        ),
        // IOS enters (config-cp)# for control-plane policing; LiSA-DP has
        // none to configure, and the lines after it are tried globally.
        kw("control-plane", "Configure control plane services", vec![]).runs(no_effect),
        kw("boot-end-marker", "End of the boot commands", vec![]).runs(no_effect),
        aaa(aaa_new_model as ConfigHandler),
        kw(
            "ip",
            "Global IP configuration subcommands",
            vec![
                kw(
                    "domain-name",
                    "Define the default domain name",
                    vec![arg("name", ArgKind::Word, "Default domain name", vec![]).runs(no_effect)],
                ),
                kw(
                    "domain-lookup",
                    "Enable IP Domain Name System hostname translation",
                    vec![],
                )
                .runs(no_effect),
                kw(
                    "domain",
                    "IP DNS Resolver",
                    vec![
                        kw(
                            "name",
                            "Define the default domain name",
                            vec![arg("name", ArgKind::Word, "Default domain name", vec![])
                                .runs(no_effect)],
                        ),
                        lookup(),
                    ],
                ),
                http(http_server as ConfigHandler),
                kw(
                    "forward-protocol",
                    "Controls forwarding of physical and directed IP broadcasts",
                    vec![kw("nd", "Sun's Network Disk protocol", vec![]).runs(no_effect)],
                ),
            ],
        ),
        kw(
            "multilink",
            "PPP multilink global configuration",
            vec![kw(
                "bundle-name",
                "Select method for naming multilink bundles",
                rest("How bundles are named"),
            )],
        ),
        kw(
            "no",
            "Negate a command or set its defaults",
            vec![
                service(),
                aaa(no_effect),
                kw(
                    "ip",
                    "Global IP configuration subcommands",
                    vec![
                        kw(
                            "domain-lookup",
                            "Enable IP Domain Name System hostname translation",
                            vec![],
                        )
                        .runs(no_effect),
                        kw("domain", "IP DNS Resolver", vec![lookup()]),
                        http(no_effect),
                        kw(
                            "source-route",
                            "Process packets with source routing header options",
                            vec![],
                        )
                        .runs(no_effect),
                    ],
                ),
            ],
        ),
    ]
}
