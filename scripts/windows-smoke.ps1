# windows-smoke.ps1: checks etwcat's live tracing on a real Windows machine, end to end. Run it at
# an elevated PowerShell prompt (Run as Administrator):
#
#   powershell -ExecutionPolicy Bypass -File scripts\windows-smoke.ps1 [-Etwcat path\to\etwcat.exe]
#
# What it does, and what it prints when all is well (PIDs, paths and counts differ):
#
#   1. live: a session with Microsoft-Windows-Kernel-Process (process start, keyword 0x10) for 10 s
#      ok   etwcat live runs as session etwcat-smoke-4242
#   2. sessions lists it
#      ok   etwcat sessions etwcat-smoke-4242: RealTime
#   3. a child process: cmd /c exit
#      ok   cmd.exe started as PID 5120
#   4. live ends by --duration, exit code 0, loss line on stderr
#      ok   live exited 0: etwcat: session etwcat-smoke-4242: 37 events delivered, none lost
#   5. its ProcessStart (EventID 1) names the child's PID
#      ok   Process/Start of PID 5120 (parent 4242) at 2026-12-07T12:00:03.1234567Z
#   6. the session is gone
#      ok   etwcat sessions etwcat-smoke-4242: exit 2 (no session etwcat-smoke-4242 runs)
#   7. start / stop: a session that outlives the command, logging to an .etl file
#      ok   etwcat start exited 0
#      ok   cmd.exe started as PID 6144
#      ok   etwcat stop: events lost 0
#      ok   etwcat dump of the file has the Process/Start of PID 6144
#   all 10 checks passed
#
# With -Interactive, one more step asks you to press Ctrl-C during a live run:
#   8. Ctrl-C: press Ctrl-C once while etwcat live runs (it stops by itself after 30 s)
#      ok   live exited 0 after Ctrl-C, and etwcat sessions etwcat-smoke-4242-c: exit 2
#   all 11 checks passed
#
# A failed check prints "FAIL" and what was seen; the script exits 1 then.
param([string]$Etwcat = (Join-Path $PSScriptRoot '..\build-windows\etwcat.exe'),
      [switch]$Interactive)

$ErrorActionPreference = 'Stop'
$failed = 0
$passed = 0
function Ok([string]$what) { $script:passed++; Write-Host "   ok   $what" }
function Fail([string]$what) { $script:failed++; Write-Host "   FAIL $what" -ForegroundColor Red }

$principal = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
  Write-Host 'windows-smoke.ps1 needs an elevated prompt (Run as Administrator).'
  exit 2
}
if (-not (Test-Path $Etwcat)) { Write-Host "no etwcat at $Etwcat (give -Etwcat PATH)"; exit 2 }
$Etwcat = (Resolve-Path $Etwcat).Path

$name = "etwcat-smoke-$PID"
$work = Join-Path $env:TEMP $name
New-Item -ItemType Directory -Force -Path $work | Out-Null
$events = Join-Path $work 'live.jsonl'
$errors = Join-Path $work 'live.err'
$process_keyword = 'Microsoft-Windows-Kernel-Process:4:1:0x10'

# The PID in a Kernel-Process ProcessStart: EventData.ProcessID when the schema is known, else the
# payload's first four bytes (UInt32, little endian), which are the same field.
function Started-Pid($event) {
  if ($event.EventData -and $event.EventData.ProcessID) { return [int]$event.EventData.ProcessID }
  if ($event.RawData -and $event.RawData.Length -ge 8) {
    $h = $event.RawData.Substring(0, 8)  # Windows PowerShell 5.1 has no FromHexString
    return [Convert]::ToInt32($h.Substring(6, 2) + $h.Substring(4, 2) + $h.Substring(2, 2) + $h.Substring(0, 2), 16)
  }
  return -1
}

Write-Host '1. live: a session with Microsoft-Windows-Kernel-Process (process start, keyword 0x10) for 10 s'
$live = Start-Process -FilePath $Etwcat -PassThru -NoNewWindow -RedirectStandardError $errors `
  -ArgumentList @('live', '-p', $process_keyword, '--name', $name, '--duration', '10s', '-o', "`"$events`"")
Start-Sleep -Seconds 3
if ($live.HasExited) { Fail "etwcat live ended early ($($live.ExitCode)): $(Get-Content $errors)" }
else { Ok "etwcat live runs as session $name" }

Write-Host '2. sessions lists it'
$listed = & $Etwcat sessions $name --format jsonl | ConvertFrom-Json
if ($LASTEXITCODE -eq 0 -and $listed.Name -eq $name) { Ok "etwcat sessions ${name}: $($listed.Mode -join ',')" }
else { Fail "etwcat sessions $name exited $LASTEXITCODE" }

Write-Host '3. a child process: cmd /c exit'
$child = Start-Process -FilePath cmd.exe -ArgumentList '/c', 'exit' -PassThru -Wait -WindowStyle Hidden
Ok "cmd.exe started as PID $($child.Id)"

Write-Host '4. live ends by --duration, exit code 0, loss line on stderr'
$live.WaitForExit()
$report = (Get-Content $errors) -join ' '
if ($live.ExitCode -eq 0 -and $report -match 'events delivered, none lost') { Ok "live exited 0: $report" }
else { Fail "live exited $($live.ExitCode): $report" }

Write-Host "5. its ProcessStart (EventID 1) names the child's PID"
$starts = Get-Content $events | ConvertFrom-Json | Where-Object { $_.System.EventID -eq 1 }
$start = $starts | Where-Object { (Started-Pid $_) -eq $child.Id } | Select-Object -First 1
if ($start) {
  Ok "Process/Start of PID $($child.Id) (parent $($start.System.Execution.ProcessID)) at $($start.System.TimeCreated.SystemTime)"
} else { Fail "no ProcessStart of PID $($child.Id) among $(@($starts).Count) in $events" }

Write-Host '6. the session is gone'
$gone = & $Etwcat sessions $name 2>&1
if ($LASTEXITCODE -eq 2) { Ok "etwcat sessions ${name}: exit 2 ($gone)" }
else { Fail "etwcat sessions $name still lists it: $gone" }

Write-Host '7. start / stop: a session that outlives the command, logging to an .etl file'
$etl = Join-Path $work 'start.etl'
Remove-Item -ErrorAction SilentlyContinue $etl
& $Etwcat start $name -p $process_keyword -o $etl
if ($LASTEXITCODE -eq 0) { Ok 'etwcat start exited 0' } else { Fail "etwcat start exited $LASTEXITCODE" }
$child = Start-Process -FilePath cmd.exe -ArgumentList '/c', 'exit' -PassThru -Wait -WindowStyle Hidden
Ok "cmd.exe started as PID $($child.Id)"
$stopped = & $Etwcat stop $name --format jsonl | ConvertFrom-Json
if ($LASTEXITCODE -eq 0 -and $stopped.Name -eq $name) { Ok "etwcat stop: events lost $($stopped.EventsLost)" }
else { Fail "etwcat stop exited $LASTEXITCODE" }
$dumped = & $Etwcat dump $etl | ConvertFrom-Json | Where-Object { $_.System.EventID -eq 1 -and (Started-Pid $_) -eq $child.Id }
if ($dumped) { Ok "etwcat dump of the file has the Process/Start of PID $($child.Id)" }
else { Fail "etwcat dump $etl has no Process/Start of PID $($child.Id)" }

if ($Interactive) {
  Write-Host '8. Ctrl-C: press Ctrl-C once while etwcat live runs (it stops by itself after 30 s)'
  # In this console, through cmd.exe, so that the Ctrl-C reaches etwcat.
  & cmd.exe /c "`"$Etwcat`" live -p $process_keyword --name $name-c --duration 30s -o `"$(Join-Path $work 'c.jsonl')`""
  $code = $LASTEXITCODE
  $left = & $Etwcat sessions "$name-c" 2>&1
  if ($code -eq 0 -and $LASTEXITCODE -eq 2) { Ok "live exited 0 after Ctrl-C, and etwcat sessions $name-c: exit 2" }
  else { Fail "live exited $code; etwcat sessions $name-c: $left"; & $Etwcat stop "$name-c" 2>&1 | Out-Null }
}

if ($failed -eq 0) { Write-Host "all $passed checks passed"; exit 0 }
Write-Host "$failed of $($passed + $failed) checks FAILED"
exit 1
