#!/usr/bin/env node
import '../dist/logban.mjs';
