@echo off
rem Party member service hall kiosk on Windows (docs/kiosk-windows.md): starts the kiosk from
rem this checkout and starts it again 2 s after it exits or crashes - except after the
rem maintenance PIN, which ends the kiosk with status 10 on purpose (kiosk/lockdown.py).
rem Run at the kiosk account's sign-in: Task Scheduler, shell:startup or Shell Launcher.
setlocal
cd /d "%~dp0..\.."
if not defined HALL_KIOSK_CONFIG if exist "%ProgramData%\hall\kiosk.toml" set "HALL_KIOSK_CONFIG=%ProgramData%\hall\kiosk.toml"
:start
".venv\Scripts\python.exe" -m kiosk
if %ERRORLEVEL% EQU 10 exit /b 10
rem ping waits about 2 s; timeout.exe fails without a console (Task Scheduler, Shell Launcher)
ping -n 3 127.0.0.1 >nul
goto start
