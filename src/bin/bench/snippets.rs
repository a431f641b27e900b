//! Code blocks for the benchmark corpus, in the four languages help pages of an admin
//! console use most: PowerShell, bash, JSON and YAML. Lines repeat across blocks with
//! small differences (names, numbers), as they do in real documentation.

use crate::text::{between, capitalize, identifier, person, pick, role, REGIONS};
use fastrand::Rng;

/// (language, code) of one block.
pub fn code_block(rng: &mut Rng) -> (&'static str, String) {
    match crate::text::index(rng, 4) {
        0 => ("powershell", powershell(rng)),
        1 => ("bash", bash(rng)),
        2 => ("json", json(rng)),
        _ => ("yaml", yaml(rng)),
    }
}

fn resource_name(rng: &mut Rng) -> String {
    format!(
        "{}{:04}",
        pick(rng, &["mail", "vault", "store", "app", "db", "net"]),
        between(rng, 0, 9999)
    )
}

fn powershell(rng: &mut Rng) -> String {
    let name = resource_name(rng);
    let mut lines = vec![
        format!(
            "$group = \"rg-{}-{:02}\"",
            pick(rng, &["prod", "test", "shared"]),
            between(rng, 1, 40)
        ),
        format!("$region = \"{}\"", pick(rng, REGIONS)),
        format!(
            "Connect-Console -Tenant \"{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}\"",
            rng.u32(..),
            rng.u16(..),
            rng.u16(..0x1000),
            rng.u16(..0x1000),
            rng.u64(..1 << 48)
        ),
    ];
    for _ in 0..between(rng, 1, 5) {
        let line = match crate::text::index(rng, 6) {
            0 => format!("Get-Resource -Group $group | Where-Object {{ $_.Name -like \"{}*\" }}", &name[..3]),
            1 => format!(
                "Set-VaultSecret -Vault \"{name}\" -Name \"{}\" -Value $secret",
                identifier(rng)
            ),
            2 => format!(
                "Add-RoleMember -Role \"{}\" -User \"{}@example.com\"",
                role(rng),
                person(rng)
            ),
            3 => format!(
                "Update-Certificate -Name \"{name}\" -ValidDays {} -Rotate",
                pick(rng, &[30, 90, 180, 365])
            ),
            4 => format!(
                "foreach ($item in $items) {{\n    Write-Output \"Checking $($item.Name)\"\n    Start-Sleep -Seconds {}\n}}",
                between(rng, 1, 30)
            ),
            _ => format!(
                "Invoke-RestMethod -Method Get -Uri \"https://api.example.com/v{}/{}\" -Headers $headers",
                between(rng, 1, 3),
                identifier(rng)
            ),
        };
        lines.push(line);
    }
    lines.join("\n")
}

fn bash(rng: &mut Rng) -> String {
    let name = resource_name(rng);
    let mut lines = vec![
        "#!/usr/bin/env bash".to_string(),
        "set -euo pipefail".to_string(),
        format!(
            "GROUP=\"rg-{}-{:02}\"",
            pick(rng, &["prod", "test"]),
            between(rng, 1, 40)
        ),
    ];
    for _ in 0..between(rng, 2, 6) {
        let line = match crate::text::index(rng, 7) {
            0 => format!(
                "consolectl group create --name \"$GROUP\" --region {}",
                pick(rng, REGIONS)
            ),
            1 => format!(
                "consolectl keys rotate --vault {name} --key {} --group \"$GROUP\"",
                identifier(rng)
            ),
            2 => format!(
                "kubectl apply -f ./manifests/{}.yaml --namespace {}",
                identifier(rng),
                pick(rng, &["default", "ops", "web"])
            ),
            3 => format!(
                "curl -sS -H \"Authorization: Bearer $TOKEN\" https://api.example.com/v1/{} | jq '.items[].name'",
                identifier(rng)
            ),
            4 => format!(
                "for attempt in $(seq 1 {}); do\n  echo \"attempt $attempt\"\n  sleep {}\ndone",
                between(rng, 2, 10),
                between(rng, 1, 5)
            ),
            5 => format!(
                "export {}_URL=\"https://{name}.example.net\"",
                pick(rng, &["API", "DB", "CACHE"])
            ),
            _ => format!(
                "grep -n \"{}\" /var/log/{name}/console.log | tail -n {}",
                pick(rng, &["ERROR", "WARN", "timeout"]),
                between(rng, 10, 100)
            ),
        };
        lines.push(line);
    }
    lines.join("\n")
}

fn json(rng: &mut Rng) -> String {
    let rules: Vec<serde_json::Value> = (0..between(rng, 1, 4))
        .map(|i| {
            serde_json::json!({
                "name": format!("rule-{i}"),
                "priority": 100 + i * 10,
                "action": pick(rng, &["Allow", "Deny"]),
            })
        })
        .collect();
    let value = serde_json::json!({
        "name": format!("{}-{:02}", identifier(rng), between(rng, 1, 99)),
        "region": pick(rng, REGIONS),
        "settings": {
            "enabled": rng.bool(),
            "retentionDays": pick(rng, &[7, 30, 90, 365]),
            "plan": { "tier": pick(rng, &["Standard", "Premium", "Basic"]), "seats": between(rng, 1, 500) },
            "owner": format!("{}@example.com", person(rng)),
            "rules": rules,
        },
    });
    // Serialising a json! value cannot fail.
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn yaml(rng: &mut Rng) -> String {
    let name = identifier(rng);
    let mut lines = vec![
        "kind: Policy".to_string(),
        format!("name: {name}"),
        format!("region: {}", pick(rng, REGIONS)),
        "schedule:".to_string(),
        format!("  every: {}h", pick(rng, &[1, 6, 12, 24])),
        format!("  keep: {}", between(rng, 3, 30)),
        "targets:".to_string(),
    ];
    for _ in 0..between(rng, 1, 4) {
        lines.push(format!("  - group: {}", identifier(rng)));
        lines.push(format!(
            "    action: {}",
            capitalize(pick(rng, &["backup", "rotate", "archive", "notify"]))
        ));
    }
    lines.join("\n")
}
