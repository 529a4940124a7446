@echo off
rem The connector command of a published folder on Windows: runs the program beside this file.
if exist "%~dp0Connector.exe" (
  "%~dp0Connector.exe" %*
) else (
  dotnet "%~dp0Connector.dll" %*
)
exit /b %errorlevel%
