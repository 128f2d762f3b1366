/^/ FILTER smtp-amavis:[127.0.0.1]:10026
