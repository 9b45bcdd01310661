#!/usr/bin/env bash
# Proves the packages from outside the repository: packs the libraries and the windowds tool into a local feed
# (artifacts/feed, git-ignored), installs the tool from that feed and runs it, then builds the README's
# "API in 15 lines" example as a fresh `dotnet new console` app referencing the packages from that feed and runs it
# on a .npy the installed tool generated. Each check prints "consumer-check: PASS|FAIL <name>"; the last line is
# "N passed, N failed", which .ci/run adds to its own counts.
#
# Freshness: restores use a per-run packages folder, so a WindowDataset package cached by an earlier run (or by a
# developer's machine) can never stand in for the one just packed; the check also compares the restored packages'
# hashes with the feed's files. Third-party packages (TorchSharp's natives are ~1.2 GB) come from the machine's
# global packages folder as a read-only fallback folder that leaves out WindowDataset*, then from nuget.org.
#
# TorchSharp: the README's example uses only the core, so it runs in any fresh app; that app also references
# WindowDataset.TorchSharp and TorchSharp-cpu, proving they restore and compile together. A fresh app outside this
# repository does not get build/PatchLibTorchSharp.targets (imported by the repo's Directory.Build.targets), and
# without it libLibTorchSharp.so cannot load on Debian 12 / Ubuntu 22.04. So a second fresh app reads an epoch as
# tensors through the adapter package, importing that file explicitly (as such a user must) unless the package
# carries it as buildTransitive/WindowDataset.TorchSharp.targets.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export CI=true # ContinuousIntegrationBuild: deterministic paths in the packed assemblies and symbols

feed="$root/artifacts/feed"
work=$(mktemp -d "${TMPDIR:-/tmp}/windowdataset-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

pass() { echo "consumer-check: PASS $1"; passed=$((passed + 1)); }
fail() { echo "consumer-check: FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
finish() { echo "${passed} passed, ${failed} failed"; [ "$failed" -eq 0 ]; exit $?; }

version=$(dotnet msbuild src/WindowDataset/WindowDataset.csproj -getProperty:Version 2>/dev/null | tr -d '[:space:]')
if [ -z "$version" ]; then
  fail "version" "could not read Version from src/WindowDataset/WindowDataset.csproj"
  finish
fi
echo "consumer-check: version ${version}, feed ${feed}, work ${work}"

# 1. Pack. A stale package of another build must not linger in the feed.
rm -rf "$feed" && mkdir -p "$feed"
for project in WindowDataset WindowDataset.TorchSharp WindowDataset.ML WindowDataset.Cli; do
  id=$project
  if dotnet pack "src/$project/$project.csproj" -c Release -o "$feed" --nologo -v quiet >"$work/pack-$project.log" 2>&1 \
     && [ -f "$feed/$id.$version.nupkg" ]; then
    pass "pack $id"
  else
    cat "$work/pack-$project.log"
    fail "pack $id"
  fi
done

# 2. Package metadata: license, README, repository commit (SourceLink), symbols.
for id in WindowDataset WindowDataset.TorchSharp WindowDataset.ML WindowDataset.Cli; do
  nupkg="$feed/$id.$version.nupkg"
  [ -f "$nupkg" ] || { fail "metadata $id" "no $nupkg"; continue; }
  nuspec=$(unzip -p "$nupkg" "$id.nuspec" 2>/dev/null)
  files=$(unzip -Z1 "$nupkg" 2>/dev/null) # captured, not piped: grep -q ends a pipe early and pipefail would report it
  missing=""
  grep -q '<license type="expression">' <<<"$nuspec" || missing+=" license"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || missing+=" readme"
  grep -q '<description>' <<<"$nuspec" || missing+=" description"
  grep -qE '<repository type="git"[^>]* commit="[0-9a-f]{40}"' <<<"$nuspec" || missing+=" repository-commit"
  grep -qx 'README.md' <<<"$files" || missing+=" README.md-file"
  [ -f "$feed/$id.$version.snupkg" ] || missing+=" snupkg"
  if [ -z "$missing" ]; then pass "metadata $id"; else fail "metadata $id" "missing:$missing"; fi
done

# A nuget.config that sees only the feed and nuget.org, and a fallback folder with every cached package but ours.
export NUGET_PACKAGES="$work/packages"
mkdir -p "$NUGET_PACKAGES" "$work/fallback"
global="${HOME}/.nuget/packages"
if [ -d "$global" ]; then
  for dir in "$global"/*; do
    case "$(basename "$dir")" in
      windowdataset|windowdataset.*) ;;
      *) ln -s "$dir" "$work/fallback/$(basename "$dir")" ;;
    esac
  done
fi
cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local-feed" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local-feed">
      <package pattern="WindowDataset" />
      <package pattern="WindowDataset.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
  <fallbackPackageFolders>
    <clear />
    <add key="machine-cache" value="$work/fallback" />
  </fallbackPackageFolders>
</configuration>
EOF

# 3. The tool, installed from the feed alone (a tool package carries its dependencies; --add-source cannot be combined
#    with the source mapping above, so the tool gets a config without sources).
cat >"$work/tool-nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
  </packageSources>
</configuration>
EOF
tools="$work/tools"
if (cd "$work" && dotnet tool install --tool-path "$tools" --configfile "$work/tool-nuget.config" --add-source "$feed" \
      WindowDataset.Cli --version "$version") >"$work/tool-install.log" 2>&1 && [ -x "$tools/windowds" ]; then
  pass "tool install WindowDataset.Cli"
else
  cat "$work/tool-install.log"
  fail "tool install WindowDataset.Cli"
fi

data="$work/data.npy"
if [ -x "$tools/windowds" ] && "$tools/windowds" gen "$data" --rows 20000 --cols 32 --seed 7 >"$work/gen.log" 2>&1 && [ -s "$data" ]; then
  pass "windowds gen"
else
  cat "$work/gen.log" 2>/dev/null
  fail "windowds gen"
fi

if [ -x "$tools/windowds" ] && "$tools/windowds" info "$data" --window 16 >"$work/info.log" 2>&1 \
   && grep -qE '20,?000[^0-9]+32[^0-9]' "$work/info.log"; then
  cat "$work/info.log"
  pass "windowds info"
else
  cat "$work/info.log" 2>/dev/null
  fail "windowds info" "expected the shape (20000, 32) in its output"
fi

# 4. A fresh console app with the README's example. It references the TorchSharp adapter and the runtime package an
#    application picks (TorchSharp-cpu), proving they restore and compile together; the example itself uses the core.
torch_version=$(sed -nE 's/.*PackageVersion Include="TorchSharp-cpu" Version="([^"]+)".*/\1/p' "$root/Directory.Packages.props")
app="$work/consumer"
example=$(sed -n '/<!-- consumer-example:start -->/,/<!-- consumer-example:end -->/p' README.md | sed -n '/^```csharp$/,/^```$/p' | sed '1d;$d')
if [ -z "$example" ]; then
  fail "README example" "no C# block between <!-- consumer-example:start --> and <!-- consumer-example:end --> in README.md"
  finish
fi
pass "README example extracted ($(wc -l <<<"$example") lines)"

if (cd "$work" && dotnet new console -o "$app" -n Consumer >"$work/new.log" 2>&1 \
    && cd "$app" \
    && dotnet add package WindowDataset --version "$version" --no-restore \
    && dotnet add package WindowDataset.TorchSharp --version "$version" --no-restore \
    && dotnet add package TorchSharp-cpu --version "$torch_version" --no-restore) >>"$work/new.log" 2>&1; then
  printf '%s\n' "$example" >"$app/Program.cs"
  cp "$work/nuget.config" "$app/nuget.config"
else
  cat "$work/new.log"
fi

if [ -f "$app/Consumer.csproj" ] && (cd "$app" && dotnet build -c Release --nologo -v quiet) >"$work/build.log" 2>&1; then
  pass "consumer build"
else
  cat "$work/build.log" 2>/dev/null
  fail "consumer build"
fi

# The restored WindowDataset packages are the feed's files, not a cached copy.
assets="$app/obj/project.assets.json"
stale=""
for id in WindowDataset WindowDataset.TorchSharp; do
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$id")
  expected=$(openssl dgst -sha512 -binary "$feed/$id.$version.nupkg" 2>/dev/null | base64 -w0)
  restored="$NUGET_PACKAGES/$lower/$version/$lower.$version.nupkg.sha512"
  if [ ! -f "$restored" ] || [ "$(cat "$restored")" != "$expected" ] || ! grep -q "\"$id/$version\"" "$assets" 2>/dev/null; then
    stale+=" $id"
  fi
done
if [ -z "$stale" ]; then pass "consumer restored the feed's packages"; else fail "consumer restored the feed's packages" "not from the feed:$stale"; fi

run_consumer() { (cd "$app" && dotnet run -c Release --no-build -- "$data") 2>&1; }
out1=$(run_consumer); rc1=$?
out2=$(run_consumer); rc2=$?
printf '%s\n' "$out1"
# The example prints "<windows> windows, <rate> windows/s, mean <m>".
pattern='^([0-9]+) windows, ([0-9]+) windows/s, mean (-?[0-9][0-9.eE+-]*)$'
line1=$(grep -E "$pattern" <<<"$out1" | tail -1)
line2=$(grep -E "$pattern" <<<"$out2" | tail -1)
windows=$(sed -E "s|$pattern|\1|" <<<"$line1")
rate=$(sed -E "s|$pattern|\2|" <<<"$line1")
mean1=$(sed -E "s|$pattern|\3|" <<<"$line1")
mean2=$(sed -E "s|$pattern|\3|" <<<"$line2")
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "${windows:-0}" -eq 10000 ] && [ "${rate:-0}" -gt 0 ] \
   && [ -n "$mean1" ] && [ "$mean1" = "$mean2" ]; then
  pass "consumer run (10000 windows, same mean on a second run)"
else
  printf '%s\n' "$out2"
  fail "consumer run" "expected 10000 windows, a positive rate and the same mean twice; found windows '${windows}', rate '${rate}', means '${mean1}' and '${mean2}'"
fi

# 5. The TorchSharp adapter at run time, from a second fresh app. On Debian 12 / Ubuntu 22.04 TorchSharp's native
#    library loads only with build/PatchLibTorchSharp.targets. When the package carries it (as
#    buildTransitive/WindowDataset.TorchSharp.targets) the app uses the package alone; otherwise it imports the file
#    explicitly, as such a consumer must.
torch_app="$work/torch-consumer"
if (cd "$work" && dotnet new console -o "$torch_app" -n TorchConsumer \
    && cd "$torch_app" \
    && dotnet add package WindowDataset.TorchSharp --version "$version" --no-restore \
    && dotnet add package TorchSharp-cpu --version "$torch_version" --no-restore) >"$work/torch-new.log" 2>&1; then
  cp "$work/nuget.config" "$torch_app/nuget.config"
  if grep -qx 'buildTransitive/WindowDataset.TorchSharp.targets' <<<"$(unzip -Z1 "$feed/WindowDataset.TorchSharp.$version.nupkg" 2>/dev/null)"; then
    echo "consumer-check: WindowDataset.TorchSharp carries the patch (buildTransitive); the app imports nothing"
  else
    printf '<Project>\n  <Import Project="%s" />\n</Project>\n' "$root/build/PatchLibTorchSharp.targets" >"$torch_app/Directory.Build.targets"
  fi
  cat >"$torch_app/Program.cs" <<'EOF'
using WindowDataset;
using WindowDataset.TorchSharp;

var options = new WindowLoaderOptions
{
    Source = SourceOptions.FromPaths(args[0]), Window = 16, BatchSize = 64,
    Sampler = SamplerKind.Uniform, WindowsPerEpoch = 1_000, Seed = 42, OutputType = ElementType.Float32,
};
using var loader = new TensorWindowLoader(options);
long windows = 0;
string shape = "";
foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
{
    windows += batch.Count;
    shape = string.Join('x', batch.Input.shape);
    if (!batch.Input.isfinite().all().item<bool>()) throw new InvalidOperationException("non-finite input");
}

Console.WriteLine($"{windows} windows as tensors, last batch {shape}");
EOF
else
  cat "$work/torch-new.log"
fi

torch_out=$( [ -f "$torch_app/TorchConsumer.csproj" ] && cd "$torch_app" && dotnet build -c Release --nologo -v quiet >"$work/torch-build.log" 2>&1 \
  && dotnet run -c Release --no-build -- "$data" 2>&1)
if grep -qE '^1000 windows as tensors, last batch 40x16x32$' <<<"$torch_out"; then
  printf '%s\n' "$torch_out"
  pass "TorchSharp consumer run (1000 windows as tensors)"
else
  cat "$work/torch-build.log" 2>/dev/null
  printf '%s\n' "$torch_out" | head -20
  fail "TorchSharp consumer run" "expected '1000 windows as tensors, last batch 40x16x32'"
fi

finish
